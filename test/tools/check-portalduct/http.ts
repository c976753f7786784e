/**
 * The check's own HTTP: plain fetch, one answer read whole. Nothing here logs, and a failure's
 * words are the network's (a code such as ECONNREFUSED), never a header, a body or the URL's query.
 */
export interface Answer {
	status: number;
	/** The media type only (`application/json`), lower case; '' when none came. */
	contentType: string;
	retryAfter?: string;
	/** Parsed JSON when the body was JSON, else the text (never printed). */
	body: unknown;
	/** Whether `body` came from JSON. */
	json: boolean;
}

export interface Call {
	method: 'GET' | 'POST' | 'DELETE';
	path: string;
	token?: string;
	body?: unknown;
	query?: Record<string, string>;
}

/** An answer said "not now" (429): seen, so the Retry-After fact can be told. */
export interface Seen429 {
	retryAfter?: string;
}

export interface Http {
	send(call: Call): Promise<Answer>;
	/** Every 429 met on the way (the check waits and asks again, at most three times). */
	seen429: Seen429[];
}

export class Unreachable extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds to wait for a Retry-After (seconds or an HTTP date), between 1 and 30. */
function waitFor(retryAfter: string | undefined): number {
	const seconds = retryAfter === undefined ? NaN : /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : (Date.parse(retryAfter) - Date.now()) / 1000;
	return Math.min(30, Math.max(1, Number.isFinite(seconds) ? seconds : 2)) * 1000;
}

export function createHttp(baseUrl: string, timeoutMs = 15000): Http {
	const seen429: Seen429[] = [];
	async function once(call: Call): Promise<Answer> {
		const url = new URL(baseUrl.replace(/\/+$/, '') + call.path);
		for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.set(name, value);
		const headers: Record<string, string> = { accept: 'application/json' };
		if (call.token !== undefined) headers.authorization = `Bearer ${call.token}`;
		if (call.body !== undefined) headers['content-type'] = 'application/json';
		let response: Response;
		try {
			response = await fetch(url, {
				method: call.method,
				headers,
				body: call.body === undefined ? undefined : JSON.stringify(call.body),
				redirect: 'manual',
				signal: AbortSignal.timeout(timeoutMs),
			});
		} catch (error) {
			const cause = (error as { cause?: { code?: string } }).cause;
			const words = cause?.code ?? ((error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : 'no answer');
			throw new Unreachable(`${call.method} ${call.path.split('/').slice(0, 3).join('/')}...: ${words}`);
		}
		const contentType = (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
		const text = await response.text();
		let body: unknown = text;
		let json = false;
		if (/json/.test(contentType) || /^\s*[[{]/.test(text)) {
			try {
				body = JSON.parse(text);
				json = true;
			} catch {
				// Not JSON after all: kept as text.
			}
		}
		const retryAfter = response.headers.get('retry-after') ?? undefined;
		return { status: response.status, contentType, retryAfter, body, json };
	}
	return {
		seen429,
		async send(call) {
			for (let attempt = 0; ; attempt++) {
				const answer = await once(call);
				if (answer.status !== 429 || attempt === 3) return answer;
				seen429.push({ retryAfter: answer.retryAfter });
				await sleep(waitFor(answer.retryAfter));
			}
		},
	};
}
