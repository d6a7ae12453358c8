'use strict';

const http = require('node:http');
const { priceOrder } = require('./pricing');
const { QuoteCache } = require('./quoteCache');

const cache = new QuoteCache(30_000);

function createServer() {
  return http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (req.method === 'POST' && req.url === '/quote') {
      let body = '';
      req.on('data', chunk => {
        body += chunk;
      });
      req.on('end', () => {
        try {
          const cached = cache.get(body);
          const quote = cached ?? priceOrder(JSON.parse(body));
          if (!cached) cache.set(body, quote);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(quote));
        } catch (error) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: error.message }));
        }
      });
      return;
    }
    res.writeHead(404);
    res.end();
  });
}

if (require.main === module) {
  const port = Number(process.env.PORT ?? 8080);
  createServer().listen(port, () => console.log(`demo-service listening on ${port}`));
}

module.exports = { createServer };
