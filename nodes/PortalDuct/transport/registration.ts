import type { IDataObject } from 'n8n-workflow';

import { paths } from '../api';
import { portalDuctRequest } from './request';
import type { Run } from './run';

/**
 * The account's one portal-login webhook registration [doc: POST; GET and DELETE assumed].
 * Shared by the node's Webhook actions and the PortalDuct Trigger.
 */
export interface Registration {
	webhookId?: string;
	url: string;
}

/** What `addressToShow` puts in place of a query value that may be a secret. */
const HIDDEN = '(hidden)';

/**
 * A registered URL fit to show in an error or an item: never its user name and password, nor a
 * query value that may be a secret (a PortalDuct Trigger's delivery token, another system's key).
 * By default scheme, host and path only (an address in a sentence: the trigger's refusals). With
 * `shownValues`, the query stays with every value hidden (`(hidden)`) except those parameters
 * (Webhook > Get's output keeps the trigger's `signing` marker, a fingerprint and not a secret).
 * A string that is not a URL comes back as words saying so.
 */
export function addressToShow(registeredUrl: string, shownValues?: readonly string[]): string {
	try {
		const url = new URL(registeredUrl);
		const address = `${url.protocol}//${url.host}${url.pathname}`;
		if (!shownValues || url.search === '') return address;
		const query = new URLSearchParams();
		for (const [name, value] of url.searchParams) query.append(name, shownValues.includes(name) ? value : HIDDEN);
		return `${address}?${query.toString()}`;
	} catch {
		return 'an address that is not a URL';
	}
}

function asRegistration(body: unknown): Registration | undefined {
	if (typeof body !== 'object' || body === null) return undefined;
	const b = body as IDataObject;
	const inner = typeof b.data === 'object' && b.data !== null ? (b.data as IDataObject) : b;
	if (typeof inner.url !== 'string') return undefined;
	const id = inner.webhookId ?? inner.id;
	return { url: inner.url, webhookId: id === undefined ? undefined : String(id) };
}

export async function getRegistration(
	run: Run,
	itemIndex?: number,
): Promise<Registration | undefined> {
	const answer = await portalDuctRequest(run, {
		method: 'GET',
		path: paths.portalLoginChanges,
		resend: 'read',
		itemIndex,
		answers: [404],
		subject: 'webhook registration',
	});
	return answer.status === 404 ? undefined : asRegistration(answer.body);
}

/** Registering replaces whatever the account had [assumed], so it is safe to send again. */
export async function register(
	run: Run,
	url: string,
	secret: string | undefined,
	itemIndex?: number,
): Promise<Registration> {
	const answer = await portalDuctRequest(run, {
		method: 'POST',
		path: paths.portalLoginChanges,
		body: secret ? { url, secret } : { url },
		resend: 'read',
		itemIndex,
		subject: 'webhook registration',
	});
	return asRegistration(answer.body) ?? { url };
}

/** Returns whether a registration was there to remove. */
export async function removeRegistration(run: Run, itemIndex?: number): Promise<boolean> {
	const answer = await portalDuctRequest(run, {
		method: 'DELETE',
		path: paths.portalLoginChanges,
		resend: 'read',
		itemIndex,
		answers: [404],
		subject: 'webhook registration',
	});
	return answer.status !== 404;
}
