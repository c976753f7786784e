/**
 * What a PortalDuct request that failed says to the user: PortalDuct's own words (from its error
 * body), the request (method and path, never a secret), the HTTP code, and what to do.
 */
import { NodeApiError, NodeOperationError, type JsonObject } from 'n8n-workflow';

import { readSaid, saidInWords } from '../api';
import { networkWords } from './network-words';
import type { PortalDuctCall } from './request';
import type { Run } from './run';

/**
 * What went wrong with a try, as the error says it: the HTTP status, Retry-After (as sent) and body
 * PortalDuct answered with, a network code, or a renewal that gave no session (`final`: its words
 * and hint; `renewal`: a 429 or 5xx of the login or refresh, whose words are in `body.message`).
 */
export interface Failure {
	status?: number;
	retryAfter?: string;
	body?: unknown;
	/** The answer's Content-Type header, as sent. */
	contentType?: string;
	/** What made a 2xx answer a failure, e.g. `"success": false` (api.ts failureMarker). */
	marker?: string;
	network?: string;
	final?: { message: string; hint: string };
	renewal?: boolean;
}

/**
 * Words for a 2xx answer that is not JSON: an HTML page (a proxy, a wrong Base URL; its title
 * quoted), text (quoted, `text that is not JSON ("OK")`), or another content type.
 */
export function describeBody(body: unknown, contentType?: string): string {
	const said = readSaid(body, contentType);
	if (said.message) return `text that is not JSON ("${said.message.slice(0, 60)}${said.message.length > 60 ? '…' : ''}")`;
	const instead = said.instead ?? 'an answer that is not JSON';
	return instead.startsWith('an HTML page') ? `${instead} (often a proxy, gateway or wrong Base URL)` : instead;
}

/** The error for the user after `tries` tries of `call` ended in `failure`, placed at the call's item. */
export function toError(
	ctx: Run['ctx'],
	call: PortalDuctCall,
	failure: Failure,
	tries: number,
): NodeApiError | NodeOperationError {
	const node = ctx.getNode();
	const itemIndex = call.itemIndex;
	if (failure.final) {
		return new NodeOperationError(node, failure.final.message, { itemIndex, description: failure.final.hint });
	}
	const subject = call.subject ?? 'the requested record';
	const where = `${call.method} ${call.path}`;
	const after = tries > 1 ? ` (after ${tries} tries)` : '';
	if (failure.status === undefined) {
		// Worded here: n8n would replace a message that contains a raw code like ECONNRESET.
		const code = failure.network ?? '';
		const words = networkWords[code] ?? 'no answer came back';
		return new NodeApiError(node, { message: words } as JsonObject, {
			message: `PortalDuct could not be reached for ${where}: ${words}${after}`,
			description: `Check the Base URL of the PortalDuct credential and that PortalDuct is up.${code ? ` (network error ${code})` : ''}`,
			itemIndex,
		});
	}
	const status = failure.status;
	const said = readSaid(failure.body, failure.contentType);
	// A renewal's failure carries session.ts's own sentence (which quotes PortalDuct): not re-quoted.
	const text = failure.renewal && said.message ? said.message : saidInWords(said);
	const detail = `: ${text}`;
	const hints: Record<number, [string, string]> = {
		400: [`PortalDuct rejected the request${detail}`, 'Check the fields of this item.'],
		401: [
			`PortalDuct refused the token even after renewing the session${detail}`,
			'Check the PortalDuct credential: email, password, and that its Base URL is the environment (sandbox or production) of this account.',
		],
		403: [
			`PortalDuct does not allow this account to ${where}${detail}`,
			'Ask PortalDuct to enable this feature for the account.',
		],
		404: [
			`PortalDuct has no ${call.missing ?? subject}${detail}`,
			'Check the id: customer and client UUIDs are the ones you created them with, connection_uuid comes from PortalDuct (trigger events and balances list them).',
		],
		409: [
			`${subject.charAt(0).toUpperCase()}${subject.slice(1)} already exists in PortalDuct${detail}`,
			'Customer and client UUIDs are chosen by you and must be unique. Use another UUID, or set the option "If Already Exists" to "Continue".',
		],
		422: [`PortalDuct could not process the request${detail}`, 'Check the fields of this item.'],
		429: failure.renewal
			? [
					`PortalDuct is rate limiting its login${after}${detail}`,
					'One login serves every item of the run: wait a little before running the workflow again.',
				]
			: [
					`PortalDuct is rate limiting requests${after}${detail}`,
					'Lower Options > Concurrency, or send fewer items per run (a Wait node between batches), to keep under the limit.',
				],
	};
	const [headline, description] =
		status < 300
			? [`PortalDuct answered ${where} with a failure${detail}`, 'PortalDuct said the request failed although its HTTP status was a success.']
			: (hints[status] ?? [
					status >= 500
						? `PortalDuct had a server error (HTTP ${status})${after}${detail}`
						: `PortalDuct answered HTTP ${status} to ${where}${detail}`,
					status >= 500 ? 'This is on PortalDuct\'s side; running the workflow again later usually works.' : '',
				]);
	// Every error names the request and keeps the HTTP code (and what made a 2xx a failure).
	const code = `HTTP ${status}${failure.marker ? ` with ${failure.marker}` : ''}`;
	// A failed renewal sent nothing of the request: its sentence names the login or refresh.
	const tail = [headline.includes(where) || failure.renewal ? '' : where, headline.includes(`HTTP ${status}`) ? '' : code].filter(Boolean);
	const message = tail.length > 0 ? `${headline} (${tail.join(', ')})` : headline;
	return new NodeApiError(
		node,
		{ message: said.message ?? said.code ?? said.instead ?? `HTTP ${status}`, httpCode: String(status), error: said.code ?? '' } as JsonObject,
		{ message, description: description || undefined, httpCode: String(status), itemIndex },
	);
}
