import { paths, readErrorBody, type RegistrationAnswer, readRegistration, registrationNotServedStatuses } from '../api';
import { portalDuctRequest } from './request';
import type { Run } from './run';

/**
 * The account's one portal-login webhook registration [doc: POST; GET and DELETE assumed].
 * Shared by the node's Webhook actions and the PortalDuct Trigger.
 */
export type Registration = RegistrationAnswer;

/** What `addressToShow` puts in place of a query value that may be a secret. */
const HIDDEN = '(hidden)';

/**
 * A registered URL fit to show in an error or an item: never its user name and password, nor a
 * query value that may be a secret (a PortalDuct Trigger's delivery token, another system's key).
 * By default scheme, host and path only (an address in a sentence: the trigger's refusals). With
 * `shownValues`, the query stays with every value hidden (`(hidden)`) except those parameters
 * (Webhook > Register's and Get's output keep the trigger's `signing` marker, a fingerprint, not a secret).
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

/**
 * What PortalDuct said when asked for the registration (GET [assumed]):
 * - `found`: this registration;
 * - `none`: 404, which the contract reads as "none registered". A PortalDuct that does not serve
 *   GET at all may answer 404 too (an unknown route): callers that must not be wrong about it
 *   (the trigger's lifecycle) also use what they recorded themselves;
 * - `notServed`: 405 or 501: GET of the registration is not available; `status` and PortalDuct's
 *   own `message` say so.
 */
export type RegistrationLookup =
	| { kind: 'found'; registration: Registration }
	| { kind: 'none' }
	| { kind: 'notServed'; status: number; message?: string };

const notServed = (status: number, body: unknown) => ({ kind: 'notServed' as const, status, message: readErrorBody(body).message });
const isNotServed = (status: number) => (registrationNotServedStatuses as readonly number[]).includes(status);

/** Asks PortalDuct for the account's registration; see `RegistrationLookup`. Other failures throw as any request. */
export async function lookUpRegistration(run: Run, itemIndex?: number): Promise<RegistrationLookup> {
	const answer = await portalDuctRequest(run, {
		method: 'GET',
		path: paths.portalLoginChanges,
		resend: 'read',
		itemIndex,
		answers: [404, ...registrationNotServedStatuses],
		subject: 'webhook registration',
	});
	if (answer.status === 404) return { kind: 'none' };
	if (isNotServed(answer.status)) return notServed(answer.status, answer.body);
	const registration = readRegistration(answer.body);
	return registration ? { kind: 'found', registration } : { kind: 'none' };
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
	return readRegistration(answer.body) ?? { url };
}

/**
 * What became of a request to remove the registration (DELETE [assumed]): `removed`; `none` (404:
 * nothing was registered, or DELETE is not served by a PortalDuct that answers unknown routes
 * with 404); `notServed` (405, 501) with PortalDuct's status and words.
 */
export type Removal = { kind: 'removed' } | { kind: 'none' } | { kind: 'notServed'; status: number; message?: string };

/** Asks PortalDuct to remove the account's registration; see `Removal`. Other failures throw as any request. */
export async function removeRegistration(run: Run, itemIndex?: number): Promise<Removal> {
	const answer = await portalDuctRequest(run, {
		method: 'DELETE',
		path: paths.portalLoginChanges,
		resend: 'read',
		itemIndex,
		answers: [404, ...registrationNotServedStatuses],
		subject: 'webhook registration',
	});
	if (answer.status === 404) return { kind: 'none' };
	if (isNotServed(answer.status)) return notServed(answer.status, answer.body);
	return { kind: 'removed' };
}

/** Words for a GET or DELETE of the registration PortalDuct does not serve, quoting its status and words. */
export function notServedWords(method: 'GET' | 'DELETE', outcome: { status: number; message?: string }): string {
	const said = outcome.message ? `: "${outcome.message}"` : '';
	return `PortalDuct answered ${outcome.status} to ${method} ${paths.portalLoginChanges}${said}. ${method} of the webhook registration is not available on this PortalDuct (its guide names only POST, to register)`;
}
