/**
 * One node run as a value: created once by the node's execute (or by a trigger hook) and passed
 * down to every request, so what the requests of a run share is in plain sight: the options, how
 * the credential is read, and which accounts' requests have ended for the run.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { sameForEveryItem } from './expression-fields';
import { readCredential, type CredentialContext, type ResolvedCredential } from './session';

export interface RunOptions {
	/** Requests in flight at once, 1 to `runLimits.maxConcurrency`. */
	concurrency: number;
	/** How long one request may wait for its answer, in ms. */
	timeoutMs: number;
}

/** Defaults and bounds of the node's Options (the README says why these numbers). */
export const runLimits = {
	defaultConcurrency: 100,
	maxConcurrency: 200,
	defaultTimeoutMs: 30_000,
	minTimeoutMs: 1_000,
	maxTimeoutMs: 300_000,
} as const;

export interface Run {
	/** The n8n context of the run: node execute, trigger hook or load-options call. */
	readonly ctx: CredentialContext;
	readonly options: RunOptions;
	/** Account identity -> the error every later request of that account fails with, unsent. */
	readonly ended: Map<string, Error>;
	/** The run's first credential read: it tells whether the credential can differ per item. */
	firstRead?: Promise<ResolvedCredential>;
	/** Set when the first read found no field that is an expression: every item uses it. */
	shared?: ResolvedCredential;
	/** Otherwise one read per item (key -1: no item, as in hooks). */
	readonly perItem: Map<number, Promise<ResolvedCredential>>;
	/** How many times PortalDuct answered 429 (too many requests) in this run: for the node's hint. */
	rateLimited: number;
}

/** Starts a run with its options (the defaults where the context has none, as in hooks). */
export function startRun(ctx: CredentialContext, options?: RunOptions): Run {
	return {
		ctx,
		options: options ?? { concurrency: runLimits.defaultConcurrency, timeoutMs: runLimits.defaultTimeoutMs },
		ended: new Map(),
		perItem: new Map(),
		rateLimited: 0,
	};
}

/** Reads the credential for one item into `perItem`; a failed read is not kept (the error is this call's). */
function readInto(run: Run, key: number, itemIndex?: number): Promise<ResolvedCredential> {
	const read = readCredential(run.ctx, itemIndex);
	run.perItem.set(key, read);
	read.catch(() => run.perItem.delete(key));
	return read;
}

/**
 * The credential for `itemIndex`. Read once per run when none of its fields is an expression (the
 * hidden `expressionFields` probe says so, see expression-fields.ts), else once per item however
 * many requests the item makes, so an item whose Base URL expression picks another environment goes
 * there. Items wait for the run's first read before reading their own.
 * Throws NodeOperationError when the Base URL is not an http(s) address.
 */
export async function credentialFor(run: Run, itemIndex?: number): Promise<ResolvedCredential> {
	const key = itemIndex ?? -1;
	if (!run.firstRead) {
		const first = readInto(run, key, itemIndex);
		run.firstRead = first;
		first.then(
			(credential) => {
				if (sameForEveryItem(credential.decrypted.data as ICredentialDataDecryptedObject)) run.shared = credential;
			},
			() => undefined, // this item's error: later items read their own
		);
	} else {
		await run.firstRead.catch(() => undefined);
	}
	if (run.shared) return run.shared;
	return await (run.perItem.get(key) ?? readInto(run, key, itemIndex));
}
