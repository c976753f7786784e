/**
 * The PortalDuct credential as it resolves for one item, with the session to use for it.
 *
 * Read once per node run, or once per item when a credential field is an expression (a Base URL
 * that picks the environment from `$json`): n8n resolves it with the item index it is given, while
 * its `httpRequestWithAuthentication` would read it again for item 0. So the transport reads it
 * here and hands the copy to n8n (`credentialsDecrypted`), which then reads nothing itself.
 */
import {
	NodeOperationError,
	sleep,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type IExecuteFunctions,
	type IHookFunctions,
	type ILoadOptionsFunctions,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../api';
import { normalizeBaseUrl, sessionOwner } from './session';
import { sameForEveryItem } from './expression-fields';
import { expiryOf, forgetRefused, keptSession, sessionIdentity } from './session-keeper';

export interface ResolvedCredential {
	/** The Base URL without trailing slash or /v1, e.g. `https://api.example.com`. */
	baseUrl: string;
	/** `sessionIdentity()` of this Base URL, email and password: whose session, back-off and failures. */
	identity: string;
	/**
	 * What n8n's request helper takes as `credentialsDecrypted`. Its `data` holds the session to
	 * send: n8n writes a renewed session into it, so later requests of the same item reuse it.
	 */
	decrypted: ICredentialsDecrypted;
}

type CredentialContext = IExecuteFunctions | IHookFunctions | ILoadOptionsFunctions;

/** Per node run (the n8n context object): the first read, and what later items use. */
interface RunCredentials {
	/** The run's first read: it tells whether the credential can differ per item. */
	first: Promise<ResolvedCredential>;
	/** Set when the first read found no field that is an expression: every item uses it. */
	shared?: ResolvedCredential;
	/** Otherwise one read per item (key -1: no item, as in hooks). */
	perItem: Map<number, Promise<ResolvedCredential>>;
}

const resolvedPerRun = new WeakMap<object, RunCredentials>();

/** Reads the credential for one item into `perItem`; a failed read is not kept (the error is this call's). */
function readInto(
	perItem: RunCredentials['perItem'],
	ctx: CredentialContext,
	key: number,
	itemIndex?: number,
): Promise<ResolvedCredential> {
	const read = loadCredential(ctx, itemIndex);
	perItem.set(key, read);
	read.catch(() => perItem.delete(key));
	return read;
}

/**
 * The credential for `itemIndex`. Read once per node run when none of its fields is an
 * expression (the hidden `expressionFields` probe says so, see expression-fields.ts), else once
 * per item however many requests the item makes (a Return All of 100 pages reads it once), so an
 * item whose Base URL expression picks another environment goes there. Items wait for the run's
 * first read before reading their own. See `loadCredential` for the session picked.
 * Throws NodeOperationError when the Base URL is not an http(s) address.
 */
export async function resolveCredential(ctx: CredentialContext, itemIndex?: number): Promise<ResolvedCredential> {
	const key = itemIndex ?? -1;
	let run = resolvedPerRun.get(ctx);
	if (!run) {
		const perItem: RunCredentials['perItem'] = new Map();
		const started: RunCredentials = { first: readInto(perItem, ctx, key, itemIndex), perItem };
		started.first.then(
			(credential) => {
				if (sameForEveryItem(credential.decrypted.data as ICredentialDataDecryptedObject)) started.shared = credential;
			},
			() => undefined, // this item's error: later items read their own
		);
		resolvedPerRun.set(ctx, started);
		run = started;
	} else {
		await run.first.catch(() => undefined);
	}
	if (run.shared) return run.shared;
	return await (run.perItem.get(key) ?? readInto(run.perItem, ctx, key, itemIndex));
}

/**
 * Loads the credential for `itemIndex` (item 0 where the context has no items) and picks the
 * session: the stored one only if it was obtained for this Base URL and Email; the one this
 * process holds for the same identity when that is newer; else none, so n8n logs in first.
 * Throws NodeOperationError when the Base URL is not an http(s) address.
 */
async function loadCredential(ctx: CredentialContext, itemIndex?: number): Promise<ResolvedCredential> {
	const data = (await (ctx as IExecuteFunctions).getCredentials(
		CREDENTIAL_TYPE,
		itemIndex,
	)) as ICredentialDataDecryptedObject;
	let baseUrl: string;
	let owner: string;
	try {
		baseUrl = normalizeBaseUrl(data.baseUrl);
		owner = sessionOwner(baseUrl, data.email);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), (error as Error).message, { itemIndex });
	}
	if (data.sessionOwner !== owner) {
		// Obtained for another Base URL or Email: nothing of it may be sent here.
		Object.assign(data, { accessToken: '', refreshToken: '', sessionExpiry: '' });
	}
	const identity = sessionIdentity(owner, data.password);
	const reference = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
	const credential: ResolvedCredential = {
		baseUrl,
		identity,
		decrypted: {
			id: reference?.id ?? '',
			name: reference?.name ?? CREDENTIAL_TYPE,
			type: CREDENTIAL_TYPE,
			data,
		},
	};
	adoptKeptSession(credential);
	return credential;
}

/**
 * Switches to the session this process holds for the same identity when it is newer (another
 * item or execution renewed it), so a renewal reaches every later request without a 401 first.
 * Called before every send.
 */
export function adoptKeptSession(credential: ResolvedCredential): void {
	const data = credential.decrypted.data as ICredentialDataDecryptedObject;
	const held = keptSession(credential.identity);
	if (!held || held.accessToken === data.accessToken) return;
	if (data.accessToken === '' || expiryOf(held) >= expiryOf(data)) Object.assign(data, held);
}

/** The session fields the credential stores, as kept in its data. */
const SESSION_FIELDS = ['accessToken', 'refreshToken', 'sessionExpiry', 'sessionOwner'] as const;

/**
 * Checks of the stored session under way, per identity and refused token: requests refused with
 * the same token (every request in flight when it expired) share one check, so a token expiring
 * under 100 requests in flight costs two credential reads, not two hundred.
 */
const storedChecks = new Map<string, Promise<ICredentialDataDecryptedObject | undefined>>();

/**
 * The session stored in n8n if another process stored one since `refused` (read again, not from
 * this run's copy): read at once, and once more after a moment's wait, since another process that
 * just renewed (and so ended this token, on an account with one session at a time) stores its
 * session right after. Undefined when none is newer.
 */
function storedSessionSince(
	ctx: CredentialContext,
	identity: string,
	refused: string,
	itemIndex?: number,
): Promise<ICredentialDataDecryptedObject | undefined> {
	const key = `${identity}|${refused}`;
	let check = storedChecks.get(key);
	if (!check) {
		const newer = async () => {
			const stored = (await loadCredential(ctx, itemIndex)).decrypted.data as ICredentialDataDecryptedObject;
			return stored.accessToken && stored.accessToken !== refused ? stored : undefined;
		};
		check = (async () => {
			const now = await newer();
			if (now) return now;
			await sleep(100 + Math.random() * 200);
			return await newer();
		})().finally(() => storedChecks.delete(key));
		storedChecks.set(key, check);
	}
	return check;
}

/**
 * After PortalDuct refused the token (401): takes the session stored in n8n when another process
 * renewed it meanwhile, so two processes sharing an account do not end each other's sessions by
 * renewing in turn; otherwise clears the token, so the next send makes n8n run the credential's
 * renewal (one per identity in this process).
 */
export async function afterTokenRefused(
	ctx: CredentialContext,
	credential: ResolvedCredential,
	itemIndex?: number,
): Promise<void> {
	const data = credential.decrypted.data as ICredentialDataDecryptedObject;
	const refused = String(data.accessToken ?? '');
	// Another request of this run may have taken a newer session already: nothing to check then.
	if (refused === '') return;
	const stored = await storedSessionSince(ctx, credential.identity, refused, itemIndex);
	if (stored) {
		if (data.accessToken === refused) for (const field of SESSION_FIELDS) data[field] = stored[field];
		return;
	}
	forgetRefused(credential.identity, refused);
	if (data.accessToken === refused) data.accessToken = '';
}
