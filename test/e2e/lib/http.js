'use strict';
// A small JSON-over-HTTP client (Node's fetch) that can carry one session cookie.

async function request(method, url, { body, cookie, headers: extra, timeoutMs = 15_000 } = {}) {
	const headers = { accept: 'application/json', ...extra };
	if (body !== undefined) headers['content-type'] = 'application/json';
	if (cookie) headers.cookie = cookie;
	const response = await fetch(url, {
		method,
		headers,
		body: body === undefined ? undefined : JSON.stringify(body),
		signal: AbortSignal.timeout(timeoutMs),
	});
	const text = await response.text();
	let json;
	try {
		json = text ? JSON.parse(text) : undefined;
	} catch {
		json = undefined;
	}
	return { status: response.status, headers: response.headers, text, json };
}

/** Like request, but throws unless the status is 2xx; returns the parsed body. */
async function requestOk(method, url, options) {
	const r = await request(method, url, options);
	if (r.status < 200 || r.status > 299) {
		throw new Error(`${method} ${url} -> ${r.status} ${r.text.slice(0, 500)}`);
	}
	return r.json;
}

/** "name=value" of the named cookie in a response's Set-Cookie headers, or undefined. */
function cookieFrom(headers, name) {
	const all = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : [headers.get('set-cookie') ?? ''];
	for (const line of all) {
		const pair = line.split(';')[0].trim();
		if (pair.startsWith(`${name}=`)) return pair;
	}
	return undefined;
}

module.exports = { request, requestOk, cookieFrom };
