/**
 * A real node:http webhook receiver for tests: records every delivery and answers with scripted
 * statuses (200 once the script is used up). Built-ins only, so any test layer can use it.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
	path: string;
	headers: http.IncomingHttpHeaders;
	/** The raw body, exactly as sent (signatures are computed over it). */
	body: string;
	json: unknown;
	/** The status this receiver answered. */
	answered: number;
}

export interface WebhookReceiver {
	/** e.g. 'http://127.0.0.1:PORT/hook' */
	url: string;
	received: ReceivedDelivery[];
	/** Statuses for the next requests, in order; 200 after they are used up. */
	respondWith(statuses: number[]): void;
	/** Resolves when at least n deliveries arrived (polls; rejects after timeoutMs). */
	waitFor(n: number, timeoutMs?: number): Promise<ReceivedDelivery[]>;
	close(): Promise<void>;
}

export async function startWebhookReceiver(path = '/hook', statuses: number[] = []): Promise<WebhookReceiver> {
	const received: ReceivedDelivery[] = [];
	let script = [...statuses];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			let parsed: unknown;
			try {
				parsed = JSON.parse(body);
			} catch {
				parsed = undefined;
			}
			const answered = script.length > 0 ? script.shift()! : 200;
			received.push({ path: req.url ?? '', headers: req.headers, body, json: parsed, answered });
			res.writeHead(answered, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ received: true }));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}${path}`,
		received,
		respondWith: (next) => {
			script = [...next];
		},
		waitFor: async (n, timeoutMs = 5000) => {
			const deadline = Date.now() + timeoutMs;
			while (received.length < n) {
				if (Date.now() > deadline) throw new Error(`Receiver got ${received.length} deliveries, expected ${n}`);
				await new Promise((r) => setTimeout(r, 10));
			}
			return received;
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
