// The S3-compatible test server (s3rver, from npm) in a child process: the s3 source's tests
// start it with `--openssl-legacy-provider`, because s3rver encrypts listing continuation
// tokens with DES, which OpenSSL 3 only offers through its legacy provider. Prints the port as
// one JSON line on stdout; stops on SIGTERM or when its parent's stdin closes.
import S3rver from 's3rver';

const dir = process.argv[2];
const server = new S3rver({ port: 0, address: '127.0.0.1', directory: dir, silent: true });
const info = await server.run();
process.stdout.write(JSON.stringify({ port: info.port }) + '\n');
const stop = () => server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
