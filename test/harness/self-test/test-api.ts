/**
 * The small real HTTP API the throwaway package talks to: password login handing out Bearer
 * tokens (counted), items, and a webhook registry. Revoking makes every issued token stale (401).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const USERNAME = 'harness-user';
export const PASSWORD = 'harness-password-do-not-log';

export interface TestApi {
	url: string;
	logins: number;
	/** Requests answered 401 because of a missing or stale token. */
	unauthorized: number;
	itemRequests: number;
	/** Tokens ever issued (to check none leaks). */
	issued: string[];
	hooks: Map<string, { id: string; url: string }>;
	revokeTokens(): void;
	close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'Content-Type': 'application/json' });
	res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const text = Buffer.concat(chunks).toString('utf8');
	return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export async function startTestApi(): Promise<TestApi> {
	const valid = new Set<string>();
	const api: Omit<TestApi, 'url' | 'close'> = {
		logins: 0,
		unauthorized: 0,
		itemRequests: 0,
		issued: [],
		hooks: new Map(),
		revokeTokens: () => valid.clear(),
	};

	const server = createServer((req, res) => {
		void (async () => {
			const url = new URL(req.url ?? '/', 'http://api');
			const body = await readJson(req);
			if (req.method === 'POST' && url.pathname === '/login') {
				if (body.username !== USERNAME || body.password !== PASSWORD) return send(res, 401, { message: 'bad login' });
				api.logins++;
				const token = `token-${api.logins}-${randomUUID()}`;
				valid.add(token);
				api.issued.push(token);
				return send(res, 200, { token });
			}
			const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
			if (!valid.has(token)) {
				api.unauthorized++;
				return send(res, 401, { message: 'token missing or stale' });
			}
			const [, collection, id] = url.pathname.split('/');
			if (req.method === 'GET' && collection === 'items') {
				api.itemRequests++;
				if (id === 'missing') return send(res, 404, { message: 'no such item' });
				return send(res, 200, { id, name: `item ${id}` });
			}
			if (collection === 'hooks' && req.method === 'GET' && !id) return send(res, 200, [...api.hooks.values()]);
			if (collection === 'hooks' && req.method === 'POST' && !id) {
				const hook = { id: randomUUID(), url: String(body.url) };
				api.hooks.set(hook.id, hook);
				return send(res, 201, hook);
			}
			if (collection === 'hooks' && req.method === 'DELETE' && id) {
				return api.hooks.delete(id) ? send(res, 200, { deleted: true }) : send(res, 404, { message: 'no such hook' });
			}
			return send(res, 404, { message: 'not found' });
		})().catch((error: Error) => send(res, 500, { message: error.message }));
	});
	// n8n-core opens a connection per request; idle ones must not keep the server (and jest) alive.
	server.keepAliveTimeout = 500;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

	return Object.assign(api, {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	});
}
