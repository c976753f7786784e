/**
 * Registration lifecycle. PortalDuct holds ONE webhook URL per account [assumed], so:
 * - what this node registered is kept in its static data, keyed by the node's webhookId and mode
 *   (test or production): the same in every n8n process, whatever WEBHOOK_URL each computes;
 * - activation never takes the account from a URL that is not this node's own: it is refused,
 *   naming that URL, unless Options > Replace Existing Registration is on. Nothing is sent to
 *   that URL to find out what it is;
 * - a test listen that replaces this node's production registration puts it back when it ends,
 *   with the same URL, token and secret. n8n runs a test listen on a copy of the workflow whose
 *   static data starts empty (n8n source: packages/cli/src/webhooks/test-webhooks.ts), so the
 *   listen learns production's URL from PortalDuct and its secret from the credential
 *   (`deriveSecret`), checked against the fingerprint that URL carries;
 * - checkExists() asks PortalDuct, so a registration removed or replaced behind n8n's back is
 *   created again on the next activation instead of silently receiving nothing.
 */
import { NodeOperationError, type IDataObject, type IHookFunctions, type IWebhookFunctions } from 'n8n-workflow';

import { paths } from '../PortalDuct/api';
import {
	addressToShow,
	lookUpRegistration,
	notServedWords,
	register,
	removeRegistration,
	type Registration,
	type RegistrationLookup,
} from '../PortalDuct/transport/registration';
import { credentialFor, startRun } from '../PortalDuct/transport/run';
import { forgetPublished, publishedOf, rememberPublished } from './published-registrations';
import { unreachableReason } from './reachability';
import {
	deriveSecret,
	isThisNode,
	newSecret,
	pointsAt,
	readRegisteredUrl,
	secretFingerprint,
	withToken,
} from './verify';

export interface RegistrationRecord {
	/** Carried in the registered URL; every delivery must present it. */
	token: string;
	/** Registered with PortalDuct for signing (`deriveSecret`); empty when signing is turned off. */
	secret: string;
	registeredUrl: string;
	webhookId?: string;
	/** A test listen's only: this node's production registration it replaced, put back on delete. */
	displaced?: { url: string; secret: string };
	/** Recent eventIds, to acknowledge PortalDuct's retries without emitting them twice. */
	seen: string[];
	/** Set once a correctly signed delivery arrived: from then on unsigned ones are refused. */
	signed?: boolean;
}

type Store = Record<string, RegistrationRecord>;

export function recordsOf(staticData: IDataObject): Store {
	if (typeof staticData.registrations !== 'object' || staticData.registrations === null) {
		staticData.registrations = {};
	}
	return staticData.registrations as unknown as Store;
}

type TriggerContext = IHookFunctions | IWebhookFunctions;

/**
 * Where this node's record lives: `<webhookId>|test` or `<webhookId>|production`. Not the URL:
 * in queue mode main (create, delete) and a webhook process (deliveries) may compute different
 * URLs from their own WEBHOOK_URL settings. The mode tells test from production when n8n creates
 * ('manual' / 'trigger') and delivers ('manual' / 'webhook'); it removes both in mode 'internal'
 * (n8n source: TestWebhooks and ActiveWorkflowManager), so there the record whose registered URL
 * is this webhook's (test and production URLs differ) is the one.
 */
export function recordKey(ctx: TriggerContext, store?: Store): string {
	const node = ctx.getNode();
	const id = node.webhookId ?? node.id;
	const mode = ctx.getMode();
	if (mode === 'manual') return `${id}|test`;
	if (mode === 'internal' && store) {
		const webhookUrl = ctx.getNodeWebhookUrl('default') as string;
		for (const key of [`${id}|test`, `${id}|production`]) {
			if (store[key] && pointsAt(store[key].registeredUrl, webhookUrl)) return key;
		}
	}
	return `${id}|production`;
}

/** This node's record in this context (test listen or production), if it registered. */
export function recordOf(ctx: TriggerContext, store: Store): RegistrationRecord | undefined {
	return store[recordKey(ctx, store)];
}

/** This node in either mode, in any n8n instance: `<workflow id>|<webhookId>`, for published-registrations.ts. */
function nodeKey(ctx: TriggerContext): string {
	const node = ctx.getNode();
	return `${ctx.getWorkflow().id ?? ''}|${node.webhookId ?? node.id}`;
}

const isProductionKey = (key: string) => key.endsWith('|production');

/** n8n's log line prefix: which trigger says it. */
function who(ctx: IHookFunctions): string {
	return `PortalDuct Trigger "${ctx.getNode().name}" (workflow ${ctx.getWorkflow().id ?? 'unsaved'})`;
}

/**
 * True when PortalDuct's registration is exactly what this node recorded. When PortalDuct does not
 * serve GET of the registration (405, 501), what this node recorded decides, and n8n's log says
 * that it could not be checked.
 */
export async function checkExists(this: IHookFunctions): Promise<boolean> {
	const store = recordsOf(this.getWorkflowStaticData('node'));
	const key = recordKey(this, store);
	const record = store[key];
	if (!record) return false;
	const lookup = await lookUpRegistration(startRun(this));
	const exists =
		lookup.kind === 'notServed' || (lookup.kind === 'found' && lookup.registration.url === record.registeredUrl);
	if (lookup.kind === 'notServed') {
		this.logger.warn(
			`${who(this)}: ${notServedWords('GET', lookup)}. Whether PortalDuct still sends to this trigger cannot be checked: going by what the trigger registered.`,
		);
	}
	if (exists && isProductionKey(key)) rememberPublished(nodeKey(this), { url: record.registeredUrl, secret: record.secret });
	return exists;
}

/**
 * The registration at `url` with the secret to put it back with, when this credential can know
 * that secret (a PortalDuct Trigger's URL whose `signing` fingerprint matches what `deriveSecret`
 * gives for the credential's Password and the URL's token, or `signing=off`); else undefined.
 */
function restorable(url: string, password: string): { url: string; secret: string } | undefined {
	const { token, signing } = readRegisteredUrl(url);
	if (!token || !signing) return undefined;
	if (!signing.secretFingerprint) return { url, secret: '' };
	const secret = deriveSecret(password, token);
	return signing.secretFingerprint === secretFingerprint(secret) ? { url, secret } : undefined;
}

/**
 * The production registration a test listen replaces, with the secret to put it back with; throws
 * when that secret cannot be known (the URL's fingerprint does not match what the credential
 * gives), since putting it back without its secret would make production refuse every delivery.
 */
function productionToRestore(ctx: IHookFunctions, url: string, password: string): { url: string; secret: string } {
	const found = restorable(url, password);
	if (found) return found;
	throw new NodeOperationError(
		ctx.getNode(),
		'This workflow\'s published trigger holds the PortalDuct registration, and a test listen could not put it back as it is',
		{
			description:
				'The published trigger registered with another Password in this credential (or with an earlier version of this package), so its signing secret cannot be restored after the test. Unpublish and publish the workflow once (1.x: deactivate and activate) so it registers with the credential as it is now, then test again; or test while the workflow is unpublished.',
		},
	);
}

/**
 * Refuses to take the account from a URL that is not this node's own. The message carries what to
 * do: n8n's editor shows an activation error's message, not its description.
 */
function refuseForeign(ctx: IHookFunctions, current: Registration, webhookUrl: string): never {
	const shown = addressToShow(current.url);
	// Another trigger workflow of this same n8n: its webhook URL has this one's form (/webhook/<id>/webhook).
	const here = new URL(webhookUrl);
	const inThisN8n = shown.startsWith(here.origin) && /\/webhook(-test)?\/[^/]+\/webhook$/.test(new URL(shown).pathname);
	throw new NodeOperationError(
		ctx.getNode(),
		`PortalDuct already sends this account's portal login changes to ${shown}` +
			(inThisN8n ? ', another PortalDuct Trigger workflow in this n8n' : ', an address that is not a PortalDuct Trigger of this n8n') +
			`. Unpublish (1.x: deactivate) ${inThisN8n ? 'that workflow' : 'what uses that address'} first, or turn on Options > Replace Existing Registration to take the account over.`,
		{
			description:
				'PortalDuct keeps one webhook URL per account. Keep one trigger workflow per account and route its events with a Switch node, or turn on Replace Existing Registration: that address then stops receiving portal login changes and is not restored afterwards (a workflow there stays published but receives nothing).',
		},
	);
}

/**
 * What becomes of the registration PortalDuct holds when this node registers: returns what a test
 * listen must put back afterwards (this node's production registration, or with Replace Existing
 * Registration another trigger's that this credential can restore with its secret), else
 * undefined; throws when it is not this node's own and Replace Existing Registration is off, or
 * when a test listen could not put it back as it is.
 */
function judgeCurrent(
	ctx: IHookFunctions,
	current: Registration | undefined,
	webhookUrl: string,
	password: string,
): { url: string; secret: string } | undefined {
	if (!current || pointsAt(current.url, webhookUrl)) return undefined;
	if (isThisNode(current.url, webhookUrl)) {
		// A test listen replacing production puts it back; production replacing this node's own
		// leftover test listen has nothing to restore.
		return ctx.getMode() === 'manual' ? productionToRestore(ctx, current.url, password) : undefined;
	}
	if (!(ctx.getNodeParameter('options.replaceExistingRegistration', false) as boolean)) {
		return refuseForeign(ctx, current, webhookUrl);
	}
	if (ctx.getMode() !== 'manual') return undefined;
	// A test listen takes the account only for its duration: the address it takes it from (another
	// workflow's published trigger) gets it back when the listen ends, with its secret.
	const found = restorable(current.url, password);
	if (found) return found;
	throw new NodeOperationError(
		ctx.getNode(),
		`A test listen cannot take the PortalDuct account from ${addressToShow(current.url)}: it could not put that registration back as it is when the test ends`,
		{
			description:
				'That address is not a PortalDuct Trigger using this credential as it is now, so its signing secret is not known here. Publish this workflow instead (1.x: activate it; Replace Existing Registration takes the account for good), or unpublish (1.x: deactivate) what uses that address while you test.',
		},
	);
}

/**
 * What a registration must put back afterwards when PortalDuct did not say what it holds: GET
 * answered 404 (none, by the contract; or GET is not served) or is not served (405, 501). Only a
 * test listen puts anything back: this node's production registration, as this n8n process made
 * or confirmed it (published-registrations.ts). n8n's log says what could not be checked.
 */
function unseenToRestore(
	ctx: IHookFunctions,
	lookup: Exclude<RegistrationLookup, { kind: 'found' }>,
	key: string,
): { url: string; secret: string } | undefined {
	const published = ctx.getMode() === 'manual' ? publishedOf(nodeKey(ctx)) : undefined;
	if (lookup.kind === 'none') return published;
	const unchecked = `${who(ctx)}: ${notServedWords('GET', lookup)}. Whether another address holds the account cannot be checked: registering this trigger replaces whatever PortalDuct had`;
	if (isProductionKey(key)) {
		ctx.logger.warn(`${unchecked}.`);
	} else if (published) {
		ctx.logger.warn(`${unchecked}; this workflow's published trigger (${addressToShow(published.url)}) gets it back when the test ends.`);
	} else {
		ctx.logger.warn(
			`${unchecked}. This n8n process has no published registration of this workflow to put back when the test ends: if the workflow is published (by another n8n main), publish it again after the test (1.x: activate it).`,
		);
	}
	return published;
}

export async function create(this: IHookFunctions): Promise<boolean> {
	const webhookUrl = this.getNodeWebhookUrl('default') as string;
	const store = recordsOf(this.getWorkflowStaticData('node'));
	const key = recordKey(this);
	const previous = store[key];
	const sign = this.getNodeParameter('options.signDeliveries', true) as boolean;

	const run = startRun(this);
	const credential = await credentialFor(run);
	const unreachable = unreachableReason(webhookUrl, credential.baseUrl);
	if (unreachable) {
		throw new NodeOperationError(
			this.getNode(),
			`PortalDuct at ${credential.baseUrl} cannot reach this trigger: n8n's webhook URL ${webhookUrl} is ${unreachable}`,
			{
				description:
					'Set WEBHOOK_URL (N8N_WEBHOOK_URL on n8n 2.x) to the https address where PortalDuct can reach this n8n, e.g. https://n8n.example.com/, restart n8n and publish the workflow again (1.x: activate it). For a local trial, run PortalDuct\'s sandbox on the same machine (npm run sandbox).',
			},
		);
	}
	const password = String(credential.decrypted.data?.password ?? '');
	const lookup = await lookUpRegistration(run);
	const displaced =
		lookup.kind === 'found' ? judgeCurrent(this, lookup.registration, webhookUrl, password) : unseenToRestore(this, lookup, key);

	// Healing keeps the token, so deliveries already on their way still get through.
	const token = previous?.token ?? newSecret();
	const secret = sign ? deriveSecret(password, token) : '';
	const registeredUrl = withToken(webhookUrl, token, secret);
	const registration = await register(run, registeredUrl, secret || undefined);
	if (isProductionKey(key)) rememberPublished(nodeKey(this), { url: registeredUrl, secret });
	store[key] = {
		token,
		secret,
		registeredUrl,
		webhookId: registration.webhookId,
		displaced,
		seen: previous?.seen ?? [],
		// A new secret starts unproven; the same secret keeps what its deliveries showed.
		...(previous?.signed && previous.secret === secret ? { signed: true } : {}),
	};
	return true;
}

/**
 * Removes what this node registered, or puts back what its test listen displaced. Someone else's
 * registration is left alone. When PortalDuct does not serve GET (405, 501; or a 404 while this
 * node has a record), the record decides; when it does not serve DELETE, the registration stays
 * with PortalDuct, which may keep sending to this URL (refused there: 401, unknown token, or 404
 * from n8n), and n8n's log says so. Completes either way.
 */
export async function remove(this: IHookFunctions): Promise<boolean> {
	const webhookUrl = this.getNodeWebhookUrl('default') as string;
	const store = recordsOf(this.getWorkflowStaticData('node'));
	const key = recordKey(this, store);
	const record = store[key];
	const restore = record?.displaced;
	const run = startRun(this);
	const lookup = await lookUpRegistration(run);
	// Ours when PortalDuct says it points here; when it cannot say, ours if we recorded registering.
	const ours = lookup.kind === 'found' ? pointsAt(lookup.registration.url, webhookUrl) : record !== undefined;
	if (lookup.kind === 'notServed' && record) {
		this.logger.warn(`${who(this)}: ${notServedWords('GET', lookup)}. Going by what the trigger registered.`);
	}
	if (ours) {
		if (restore && !pointsAt(restore.url, webhookUrl)) {
			await register(run, restore.url, restore.secret || undefined);
		} else {
			const removal = await removeRegistration(run);
			const address = addressToShow(record?.registeredUrl ?? webhookUrl);
			if (removal.kind === 'notServed') {
				this.logger.warn(
					`${who(this)}: ${notServedWords('DELETE', removal)}. The registration could not be removed: PortalDuct may keep sending portal login changes to ${address}, which refuses them (401, unknown token; or 404 from n8n) until another registration replaces it.`,
				);
			} else if (removal.kind === 'none' && lookup.kind !== 'found') {
				this.logger.warn(
					`${who(this)}: PortalDuct answered 404 to GET and to DELETE ${paths.portalLoginChanges}: either nothing is registered any more, or this PortalDuct serves neither. In that case it may keep sending portal login changes to ${address}, which refuses them (401, unknown token; or 404 from n8n) until another registration replaces it.`,
				);
			}
		}
	}
	// Someone else's registration is left alone: it replaced ours, it is not ours to remove.
	delete store[key];
	if (isProductionKey(key)) forgetPublished(nodeKey(this));
	return true;
}
