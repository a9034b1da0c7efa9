/** The `_security` endpoints' view of the security implementation (defined in src/security/admin-port.ts). */
export * from '../../security/admin-port.js';
