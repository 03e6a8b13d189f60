// Usage: node request.js PROXY_URL TARGET_URL [HEADER:VALUE ...]
// Trusts the sidecar CA through NODE_EXTRA_CA_CERTS, as an injected agent pod does.
const https = require('https');
const { HttpsProxyAgent } = require('https-proxy-agent');

const [proxy, target, ...headerArgs] = process.argv.slice(2);
const headers = {};
for (const h of headerArgs) {
  const i = h.indexOf(':');
  headers[h.slice(0, i)] = h.slice(i + 1).trim();
}
https
  .get(target, { agent: new HttpsProxyAgent(proxy), headers }, (res) => {
    let body = '';
    res.on('data', (chunk) => (body += chunk));
    res.on('end', () => {
      console.log(JSON.stringify({ status: res.statusCode, body }));
    });
  })
  .on('error', (err) => {
    console.error(err.message);
    process.exit(1);
  });
