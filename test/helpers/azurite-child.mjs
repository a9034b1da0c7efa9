// Azurite's blob service (Microsoft's Azure Storage emulator, from npm) in a child process, for
// the azure_blob_storage source's tests and benchmark. Arguments after the script are Azurite's
// own (--location, --blobPort 0, …). Prints the port as one JSON line on stdout; stops on
// SIGTERM or when its parent's stdin closes.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
delete process.env.AZURITE_DB; // keep the metadata in the temporary folder, never in a SQL database
const { BlobServerFactory } = require('azurite/dist/src/blob/BlobServerFactory.js');

const server = await new BlobServerFactory().createServer(); // reads the arguments
await server.start();
const port = Number(new URL(server.getHttpServerAddress()).port);
process.stdout.write(JSON.stringify({ port }) + '\n');
const stop = () => server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
