// Probot for bench/bench_intake.py: its node middleware with one empty `repository` handler,
// on node:http. Optional; needs the probot package (NODE_PATH).  node bench/probot_endpoint.js PORT
const { createServer } = require("node:http");
const { generateKeyPairSync } = require("node:crypto");
const { Probot, createNodeMiddleware } = require("probot");

const port = Number(process.argv[2]);
const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const probot = new Probot({ appId: 1, privateKey, secret: process.env.WEBHOOK_SECRET, logLevel: "warn" });
const middleware = createNodeMiddleware((app) => {
  app.on("repository", async () => {});
}, { probot, webhooksPath: "/api/github/webhooks" });

createServer(async (request, response) => {
  if (request.url === "/healthz") {
    response.writeHead(200, { "content-type": "application/json" });
    response.end('{"status":"ok"}');
    return;
  }
  if (!(await middleware(request, response))) {
    response.writeHead(404);
    response.end();
  }
}).listen(port, "127.0.0.1");
