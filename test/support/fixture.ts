/**
 * One engine test's world: a fresh sandbox, the shared harness (n8n-core loading the built
 * package), and a PortalDuct credential pointed at the sandbox with no token yet.
 */
import type { IDataObject } from 'n8n-workflow';

import { createHarness, type Harness, type RunResult } from '../harness';
import { startSandbox, type Sandbox, type SandboxOptions } from '../tools/sandbox';
import type { InvoiceStatus } from '../tools/sandbox';
import { CREDENTIAL_ID, itemsOf, singleAction, uuid, type OnErrorSetting } from './workflows';

let shared: Promise<Harness> | undefined;
export function harness(): Promise<Harness> {
	shared ??= createHarness();
	return shared;
}

/** Everything a test file's runs showed a user (outputs, errors) and every secret in play. */
const shown: unknown[] = [];
const secrets = new Set<string>();
/** Log lines written by runs exempt from the scan (n8n logs a failed node with its parameters). */
const exemptLogs = new Set<unknown>();

/**
 * Closes the harness after a test file, and first checks that no password or token issued
 * during the file appears in any output, error or n8n log line of it (runs that asked for the
 * token with Include Token, or were given one, are the exception, and are not recorded).
 */
export async function closeHarness(): Promise<void> {
	const h = shared ? await shared : undefined;
	shared = undefined;
	const logs = (h?.logs ?? []).filter((line) => !exemptLogs.has(line));
	const text = [...shown.map(revealAll), ...logs.map(revealAll)].join('\n');
	const found = [...secrets].filter((secret) => secret && text.includes(secret));
	shown.length = 0;
	secrets.clear();
	exemptLogs.clear();
	await h?.close();
	if (found.length) {
		const where = found.map((secret) => text.slice(Math.max(0, text.indexOf(secret) - 120), text.indexOf(secret)));
		throw new Error(`${found.length} secret(s) appeared in outputs, errors or logs, after: ${where.join(' | ')}`);
	}
}

/** Serializes errors with their hidden parts too (cause chains, context, description). */
export function revealAll(value: unknown): string {
	const seen = new WeakSet<object>();
	return JSON.stringify(value, function (_key, v: unknown) {
		if (v instanceof Error) {
			const e = v as Error & Record<string, unknown>;
			if (seen.has(e)) return '[seen]';
			seen.add(e);
			return { ...e, name: e.name, message: e.message, stack: e.stack, cause: e.cause };
		}
		if (typeof v === 'object' && v !== null) {
			if (seen.has(v)) return '[seen]';
			seen.add(v);
		}
		return typeof v === 'bigint' ? String(v) : v;
	});
}

export interface World {
	sandbox: Sandbox;
	harness: Harness;
	/** Runs one PortalDuct action over the given input rows (default: one empty item). */
	act(
		parameters: IDataObject,
		options?: { rows?: IDataObject[]; continueOnFail?: boolean; onError?: OnErrorSetting },
	): Promise<RunResult>;
	/** What n8n would have stored for the credential (tokens included). */
	storedCredential(): IDataObject;
	close(): Promise<void>;
}

export async function world(options: SandboxOptions & { password?: string } = {}): Promise<World> {
	const sandbox = await startSandbox(options);
	const h = await harness();
	h.credentials.set(CREDENTIAL_ID, 'portalDuctApi', {
		baseUrl: sandbox.url,
		email: sandbox.login.email,
		password: sandbox.login.password,
		accessToken: '',
		refreshToken: '',
		sessionExpiry: '',
	});
	return {
		sandbox,
		harness: h,
		async act(parameters, { rows, continueOnFail, onError } = {}) {
			const logsBefore = h.logs.length;
			const run = await h.run(singleAction(parameters, { continueOnFail, onError }), {
				// From the trigger, as n8n runs it: the node then has a source (the error output merges the
				// input row's fields by it).
				startNode: 'Start',
				items: itemsOf(rows ?? [{}]),
			});
			// Runs where the user handed over or asked for a token show it by design (n8n also keeps
			// node parameters in its error records); every other run must not.
			if (!parameters.includeToken && !parameters.refreshToken) shown.push(run.raw.data.resultData, run.error);
			else for (const line of h.logs.slice(logsBefore)) exemptLogs.add(line);
			return run;
		},
		storedCredential: () => h.credentials.get(CREDENTIAL_ID) as IDataObject,
		async close() {
			for (const secret of secretsOf(sandbox)) secrets.add(secret);
			await sandbox.close();
		},
	};
}

/** Every secret the sandbox knows of: the password and every token it ever issued. */
export function secretsOf(sandbox: Sandbox): string[] {
	const { password, tokens } = sandbox.control.secrets();
	return [password, ...tokens];
}

/**
 * A customer and client created through the node, and one portal connection of the client with
 * `count` invoices seeded in the sandbox. Returns the ids.
 */
export async function connectionWithInvoices(
	w: World,
	count: number,
	statuses?: InvoiceStatus[],
): Promise<{ customerUUID: string; clientUUID: string; connection: string }> {
	const customerUUID = uuid();
	const clientUUID = uuid();
	await w.act({ resource: 'customer', operation: 'create', customerUUID, name: 'Acme' });
	await w.act({ resource: 'client', operation: 'create', customerUUID, clientUUID, name: 'Northwind' });
	const connection = w.sandbox.control.createConnection({ clientUUID, portalName: 'Ariba' }).connection_uuid;
	w.sandbox.control.seedInvoices({ connection_uuid: connection, count, ...(statuses ? { statuses } : {}) });
	return { customerUUID, clientUUID, connection };
}

/** Ends every access token the sandbox issued so far (as if their lifetime ran out). */
export function expireIssuedTokens(sandbox: Sandbox): void {
	for (const record of sandbox.state.tokens.access.values()) record.issuedAt -= 24 * 3600 * 1000;
}

/** The stored credential as n8n resolves it for a read outside an item (types' defaults, expressions). */
export function readStoredCredential(w: World): Promise<IDataObject> {
	return w.harness.credentialsHelper.getDecrypted({} as never, { id: CREDENTIAL_ID, name: 'PortalDuct' }, 'portalDuctApi', 'manual');
}
