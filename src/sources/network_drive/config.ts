/**
 * Configuration of the `network_drive` source (docs/sources/network_drive.md): Elastic's field
 * names and order (username, password, server_ip, server_port, drive_path,
 * use_document_level_security, drive_type, identity_mappings) so existing configurations carry
 * over, plus Tributary's `concurrent_downloads` and `max_file_size`; every size, count and time
 * bounded.
 */
import type { ConfigEntry, Configuration } from '../../domain/connector/document.js';
import { SourceConfigError, type ConfigValues } from '../source.js';
import { boolValue as bool, boundedString as bounded, configEntry, intRange, intValue as int, stringValue as str } from '../shared/config-values.js';

export const DRIVE_TYPES = ['windows', 'linux', 'samba'] as const;
export type DriveType = (typeof DRIVE_TYPES)[number];

export const NETWORK_DRIVE_DEFAULTS = {
  port: 445,
  concurrentDownloads: 8,
  /** Elastic's framework default for extraction (10 MiB). */
  maxFileSize: 10 * 1024 * 1024,
} as const;

export const NETWORK_DRIVE_LIMITS = {
  concurrentDownloads: 64,
  maxFileSize: 256 * 1024 * 1024,
  nameChars: 1_024,
  passwordChars: 4_096,
  pathChars: 4_096,
} as const;

export interface NetworkDriveSettings {
  username: string;
  password: string;
  /** Domain part of `DOMAIN\user` or `user@domain`; '' when none. */
  domain: string;
  serverIp: string;
  port: number;
  /** The share: first segment of drive_path. */
  share: string;
  /** Folder inside the share, segments joined with `/`, '' for the share's root. */
  folder: string;
  dls: boolean;
  driveType: DriveType;
  identityMappings: string;
  concurrentDownloads: number;
  maxFileSize: number;
}

const entry = (e: ConfigEntry): ConfigEntry => configEntry(e, { display: 'text', type: 'str', required: true });

/** The configuration schema; keys and `order` 1–8 are Elastic's. */
export function networkDriveConfigSchema(): Configuration {
  return {
    username: entry({ label: 'Username', order: 1, tooltip: 'An account that can read every file to index (and their security descriptors when document level security is on). DOMAIN\\user or user@domain for a domain account.' }),
    password: entry({ label: 'Password', order: 2, sensitive: true }),
    server_ip: entry({ label: 'SMB IP', order: 3, tooltip: 'Address or host name of the SMB server.' }),
    server_port: entry({ label: 'SMB port', display: 'numeric', type: 'int', order: 4, default_value: NETWORK_DRIVE_DEFAULTS.port, validations: intRange(1, 65_535) }),
    drive_path: entry({ label: 'SMB path', order: 5, tooltip: 'The share, optionally followed by a folder inside it: Share or Share/Folder/Sub.' }),
    use_document_level_security: entry({
      label: 'Enable document level security', display: 'toggle', type: 'bool', order: 6, required: false, default_value: false,
      tooltip: 'Documents carry the users and groups that may read the file (from its access control list), and access control syncs write the identities from the identity mappings file.',
    }),
    drive_type: entry({
      label: 'Drive type', display: 'dropdown', order: 7, required: false, default_value: 'windows', ui_restrictions: ['advanced'],
      depends_on: [{ field: 'use_document_level_security', value: true }],
      options: [
        { label: 'Windows', value: 'windows' },
        { label: 'Linux', value: 'linux' },
        { label: 'Samba', value: 'samba' },
      ],
    }),
    identity_mappings: entry({
      label: 'Path of CSV file containing users and groups SID (For Linux Network Drive)', order: 8, required: false, ui_restrictions: ['advanced'],
      depends_on: [{ field: 'use_document_level_security', value: true }],
      tooltip: 'A file on the connector server, one user per line: name;user SID;group SID,group SID,…',
    }),
    concurrent_downloads: entry({
      label: 'Maximum concurrent downloads', display: 'numeric', type: 'int', order: 9, required: false, ui_restrictions: ['advanced'],
      default_value: NETWORK_DRIVE_DEFAULTS.concurrentDownloads, validations: intRange(1, NETWORK_DRIVE_LIMITS.concurrentDownloads),
    }),
    max_file_size: entry({
      label: 'Maximum file size to extract (bytes)', display: 'numeric', type: 'int', order: 10, required: false, ui_restrictions: ['advanced'],
      default_value: NETWORK_DRIVE_DEFAULTS.maxFileSize, validations: intRange(1, NETWORK_DRIVE_LIMITS.maxFileSize),
      tooltip: 'Larger files are indexed with their metadata only, and the job lists them.',
    }),
  };
}

/** `Share/Folder/Sub` or `\\Share\Folder` → share and folder; `..`, `.` and empty segments refused. */
export function parseDrivePath(raw: string): { share: string; folder: string } {
  const parts = raw.split(/[\\/]+/).filter((p) => p !== '');
  if (parts.length === 0) throw new SourceConfigError('Configuration field [drive_path] is required: the share name, optionally followed by a folder (Share/Folder).');
  for (const p of parts) {
    if (p === '.' || p === '..' || /[\u0000-\u001f"*:<>?|]/.test(p)) {
      throw new SourceConfigError(`Configuration field [drive_path] has an invalid segment [${p.slice(0, 64)}]: use Share/Folder with no "..", wildcards or control characters.`);
    }
  }
  return { share: parts[0], folder: parts.slice(1).join('/') };
}

function splitUser(raw: string): { username: string; domain: string } {
  const bs = raw.indexOf('\\');
  if (bs > 0) return { domain: raw.slice(0, bs), username: raw.slice(bs + 1) };
  const at = raw.lastIndexOf('@');
  if (at > 0) return { username: raw.slice(0, at), domain: raw.slice(at + 1) };
  return { username: raw, domain: '' };
}

/** Typed settings from configuration values; a SourceConfigError names the first bad field. */
export function readNetworkDriveSettings(c: ConfigValues): NetworkDriveSettings {
  const user = bounded('username', str(c.username), NETWORK_DRIVE_LIMITS.nameChars);
  if (!user) throw new SourceConfigError('Configuration field [username] is required.');
  const serverIp = bounded('server_ip', str(c.server_ip), NETWORK_DRIVE_LIMITS.nameChars);
  if (!serverIp) throw new SourceConfigError('Configuration field [server_ip] is required: the address or host name of the SMB server.');
  if (/[\s\\/]/.test(serverIp)) throw new SourceConfigError('Configuration field [server_ip] must be an address or host name, without slashes or spaces.');
  const drive = parseDrivePath(bounded('drive_path', str(c.drive_path), NETWORK_DRIVE_LIMITS.pathChars));
  const driveType = (str(c.drive_type) || 'windows').toLowerCase();
  if (!(DRIVE_TYPES as readonly string[]).includes(driveType)) {
    throw new SourceConfigError(`Configuration field [drive_type] must be one of ${DRIVE_TYPES.join(', ')}.`);
  }
  const dls = bool(c.use_document_level_security);
  const identityMappings = bounded('identity_mappings', str(c.identity_mappings), NETWORK_DRIVE_LIMITS.pathChars);
  return {
    ...splitUser(user),
    password: bounded('password', c.password === null || c.password === undefined ? '' : String(c.password), NETWORK_DRIVE_LIMITS.passwordChars),
    serverIp: serverIp.replace(/^\[|\]$/g, ''),
    port: int(c, 'server_port', NETWORK_DRIVE_DEFAULTS.port, 1, 65_535),
    ...drive,
    dls,
    driveType: driveType as DriveType,
    identityMappings,
    concurrentDownloads: int(c, 'concurrent_downloads', NETWORK_DRIVE_DEFAULTS.concurrentDownloads, 1, NETWORK_DRIVE_LIMITS.concurrentDownloads),
    maxFileSize: int(c, 'max_file_size', NETWORK_DRIVE_DEFAULTS.maxFileSize, 1, NETWORK_DRIVE_LIMITS.maxFileSize),
  };
}
