// Asks connector-policy how a build reaches its connectors, as a runner does, and prints the proxy
// environment as shell assignments (the credential inside the proxy URLs is a secret: do not log it).
// Usage: node resolve-build-network.mjs <host:port> <account> <build> <deadline-seconds> <connector>...
// The caller proves who it is over TLS (connector-policy's gRPC port answers nobody else):
//   SC_IDENTITY_DIR  a runner identity (tls.crt naming spiffe://secureconnect/runner/<name>, tls.key, ca.crt), or
//   SC_API_KEY       an API key of <account> holding core_connector_access, with SC_CA (the deployment CA, PEM).
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const protoRoot = path.resolve(here, '../../proto/src/main/proto');
const [target, account, build, deadlineSeconds, ...connectors] = process.argv.slice(2);
if (!target || !account || !build || !deadlineSeconds || connectors.length === 0) {
  console.error('usage: resolve-build-network.mjs <host:port> <account> <build> <deadline-seconds> <connector>...');
  process.exit(2);
}

const definition = protoLoader.loadSync('secureconnect/connectorpolicy/v1/connector_policy.proto', {
  includeDirs: [protoRoot], keepCase: true, longs: String, enums: String, defaults: true,
});
const { ConnectorPolicy } = grpc.loadPackageDefinition(definition).secureconnect.connectorpolicy.v1;
function credentials() {
  const identity = process.env.SC_IDENTITY_DIR;
  if (identity) {
    const file = (name) => readFileSync(path.join(identity, name));
    return grpc.credentials.createSsl(file('ca.crt'), file('tls.key'), file('tls.crt'));
  }
  const apiKey = process.env.SC_API_KEY;
  if (apiKey && process.env.SC_CA) {
    const key = grpc.credentials.createFromMetadataGenerator((_, callback) => {
      const metadata = new grpc.Metadata();
      metadata.set('x-api-key', apiKey);
      callback(null, metadata);
    });
    return grpc.credentials.combineChannelCredentials(grpc.credentials.createSsl(readFileSync(process.env.SC_CA)), key);
  }
  console.error('set SC_IDENTITY_DIR (a runner identity) or SC_API_KEY and SC_CA: connector-policy authenticates every caller');
  process.exit(2);
}

const client = new ConnectorPolicy(target, credentials());
const deadline = Math.floor(Date.now() / 1000) + Number(deadlineSeconds);
const request = {
  account_id: account,
  build_id: build,
  build_deadline: { seconds: deadline, nanos: 0 },
  connectors: connectors.map((ref) => {
    const parts = ref.split('/');
    return parts.length === 3
      ? { org_id: parts[0], project_id: parts[1], identifier: parts[2] }
      : { org_id: '', project_id: '', identifier: ref };
  }),
};
client.resolveBuildNetwork(request, { deadline: Date.now() + 10000 }, (error, response) => {
  if (error) {
    const reason = error.metadata?.get('secureconnect-reason')?.[0] ?? 'UNKNOWN';
    console.error(`ResolveBuildNetwork failed: ${grpc.status[error.code]} ${reason}: ${error.details}`);
    process.exit(1);
  }
  const quote = (value) => `'${String(value).replaceAll("'", "'\\''")}'`;
  console.log(`HARNESS_HTTP_PROXY=${quote(response.harness_http_proxy)}`);
  console.log(`HARNESS_HTTPS_PROXY=${quote(response.harness_https_proxy)}`);
  console.log(`HARNESS_NO_PROXY=${quote(response.harness_no_proxy)}`);
  console.log(`HARNESS_GIT_PROXY=${response.harness_git_proxy ? 'true' : 'false'}`);
  console.log(`SC_TUNNEL_PORT=${response.tunnel_port}`);
  console.log(`SC_ROUTES=${quote(response.routes.map((r) => `${r.connector.identifier}:${r.route}`).join(','))}`);
  client.close();
});
