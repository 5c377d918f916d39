import http from 'node:http';

/**
 * The limit for the round-trip figure: a `node:http` server in its own process answering
 * every POST with one fixed body (the size of a signed preCreate answer), after reading the
 * request. No parsing, no signature, no order book.
 */
process.once('message', (msg: { bodyBytes: number }) => {
  const body = Buffer.alloc(msg.bodyBytes, 'x');
  const server = http.createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 10_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address() as { port: number };
    process.send?.({ url: `http://127.0.0.1:${address.port}` });
    process.once('disconnect', () => server.close(() => process.exit(0)));
  });
});
