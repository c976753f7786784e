'use strict';
// "Another system" on loopback: an HTTP receiver that answers 200 to everything and records every
// request it gets (method, path with query, headers, body), so a check can say "nothing came".
const http = require('node:http');

/** Starts the receiver on 127.0.0.1 (free port); `url` is its base URL, `path` appended. */
async function startReceiver(path = '/portal-login-changes') {
	const requests = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			requests.push({ method: req.method, path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ received: true }));
		});
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', resolve);
	});
	return {
		url: `http://127.0.0.1:${server.address().port}${path}`,
		requests,
		/** One line per request (from the `from`th on), for assertion messages. */
		describe: (from = 0) =>
			requests
				.slice(from)
				.map((r) => `${r.method} ${r.path} ${r.body.slice(0, 200)}`)
				.join('\n') || '(none)',
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

module.exports = { startReceiver };
