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

import { addressToShow, getRegistration, register, removeRegistration, type Registration } from '../PortalDuct/transport/registration';
import { credentialFor, startRun } from '../PortalDuct/transport/run';
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

export async function checkExists(this: IHookFunctions): Promise<boolean> {
	const record = recordOf(this, recordsOf(this.getWorkflowStaticData('node')));
	if (!record) return false;
	const current = await getRegistration(startRun(this));
	return current?.url === record.registeredUrl;
}

/**
 * The production registration a test listen replaces, with the secret to put it back with; throws
 * when that secret cannot be known (the URL's fingerprint does not match what the credential
 * gives), since putting it back without its secret would make production refuse every delivery.
 */
function productionToRestore(ctx: IHookFunctions, url: string, password: string): { url: string; secret: string } {
	const { token, signing } = readRegisteredUrl(url);
	if (token && signing && !signing.secretFingerprint) return { url, secret: '' };
	const secret = token ? deriveSecret(password, token) : '';
	if (token && signing?.secretFingerprint === secretFingerprint(secret)) return { url, secret };
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
			`. Unpublish ${inThisN8n ? 'that workflow' : 'what uses that address'} first, or turn on Options > Replace Existing Registration to take the account over.`,
		{
			description:
				'PortalDuct keeps one webhook URL per account. Keep one trigger workflow per account and route its events with a Switch node, or turn on Replace Existing Registration: that address then stops receiving portal login changes and is not restored afterwards (a workflow there stays published but receives nothing).',
		},
	);
}

/**
 * What becomes of the registration PortalDuct holds when this node registers: returns what a test
 * listen must put back afterwards (this node's production registration), else undefined; throws
 * when it is not this node's own and Replace Existing Registration is off.
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
	if (ctx.getNodeParameter('options.replaceExistingRegistration', false) as boolean) return undefined;
	return refuseForeign(ctx, current, webhookUrl);
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
					'Set WEBHOOK_URL (N8N_WEBHOOK_URL on n8n 2.x) to the https address where PortalDuct can reach this n8n, e.g. https://n8n.example.com/, restart n8n and activate again. For a local trial, run PortalDuct\'s sandbox on the same machine (npm run sandbox).',
			},
		);
	}
	const password = String(credential.decrypted.data?.password ?? '');
	const displaced = judgeCurrent(this, await getRegistration(run), webhookUrl, password);

	// Healing keeps the token, so deliveries already on their way still get through.
	const token = previous?.token ?? newSecret();
	const secret = sign ? deriveSecret(password, token) : '';
	const registeredUrl = withToken(webhookUrl, token, secret);
	const registration = await register(run, registeredUrl, secret || undefined);
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

export async function remove(this: IHookFunctions): Promise<boolean> {
	const webhookUrl = this.getNodeWebhookUrl('default') as string;
	const store = recordsOf(this.getWorkflowStaticData('node'));
	const key = recordKey(this, store);
	const restore = store[key]?.displaced;
	const run = startRun(this);
	const current = await getRegistration(run);
	if (current !== undefined && pointsAt(current.url, webhookUrl)) {
		if (restore && !pointsAt(restore.url, webhookUrl)) await register(run, restore.url, restore.secret || undefined);
		else await removeRegistration(run);
	}
	// Someone else's registration is left alone: it replaced ours, it is not ours to remove.
	delete store[key];
	return true;
}
