/**
 * Registration lifecycle. PortalDuct holds ONE webhook URL per account [assumed], so:
 * - what this node registered is kept in its static data, keyed by the node's webhookId and mode
 *   (test or production): the same in every n8n process, whatever WEBHOOK_URL each computes;
 * - a trigger never takes the account from another ACTIVE PortalDuct Trigger: activation is
 *   refused with a message that names the holder (asked with a probe delivery it answers);
 * - create() remembers its own production registration when a test listen displaces it, and
 *   delete() puts it back, secret included; a registration of something else is never restored
 *   (its secret is unknown), so the account never points at a URL nobody serves;
 * - checkExists() asks PortalDuct, so a registration removed or replaced behind n8n's back is
 *   created again on the next activation instead of silently receiving nothing.
 */
import { NodeOperationError, type IDataObject, type IHookFunctions, type IWebhookFunctions } from 'n8n-workflow';

import {
	getRegistration,
	register,
	removeRegistration,
} from '../PortalDuct/transport/registration';
import { resolveCredential } from '../PortalDuct/transport/credential';
import { unreachableReason } from './reachability';
import { newSecret, pointsAt, sameNodeOtherMode, withoutToken, withToken } from './verify';

export interface RegistrationRecord {
	/** Carried in the registered URL; every delivery must present it. */
	token: string;
	/** Registered with PortalDuct for signing; empty when signing is turned off. */
	secret: string;
	registeredUrl: string;
	webhookId?: string;
	/** This node's own registration (of its other mode) that this one replaced, to restore on delete. */
	displaced?: { url: string };
	/** Recent eventIds, to acknowledge PortalDuct's retries without emitting them twice. */
	seen: string[];
	/** Set once a correctly signed delivery arrived: from then on unsigned ones are refused. */
	signed?: boolean;
}

type Store = Record<string, RegistrationRecord>;

/** The body of a probe delivery, and what a live PortalDuct Trigger answers to it. */
export const PROBE_EVENT = 'n8nPortalDuctTriggerProbe';
export const PROBE_ANSWER = 'portalduct-trigger';

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

/** This node's record, moving one kept under its webhook URL (versions before 0.1.0's release). */
export function recordOf(ctx: TriggerContext, store: Store): RegistrationRecord | undefined {
	const key = recordKey(ctx, store);
	if (!store[key]) {
		const webhookUrl = ctx.getNodeWebhookUrl('default') as string;
		if (store[webhookUrl]) {
			store[key] = store[webhookUrl];
			delete store[webhookUrl];
		}
	}
	return store[key];
}

/** A secret we registered for a URL, if that URL is one of this node's own records. */
function secretFor(store: Store, url: string): string | undefined {
	return Object.values(store).find((record) => record.registeredUrl === url)?.secret || undefined;
}

/**
 * Whether `url` is served by an active PortalDuct Trigger: it answers a probe delivery (the
 * registered URL carries that trigger's token) with PROBE_ANSWER. Anything else (n8n's 404 for a
 * webhook nobody serves, another system, no answer) is not.
 */
async function servedByActiveTrigger(ctx: IHookFunctions, url: string): Promise<boolean> {
	try {
		const response = (await ctx.helpers.httpRequest({
			method: 'POST',
			url,
			body: { event: PROBE_EVENT },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: 10_000,
		})) as { statusCode: number; body: unknown };
		return response.statusCode === 200 && (response.body as IDataObject | null)?.probe === PROBE_ANSWER;
	} catch {
		return false;
	}
}

export async function checkExists(this: IHookFunctions): Promise<boolean> {
	const record = recordOf(this, recordsOf(this.getWorkflowStaticData('node')));
	if (!record) return false;
	const current = await getRegistration(this);
	return current?.url === record.registeredUrl;
}

export async function create(this: IHookFunctions): Promise<boolean> {
	const webhookUrl = this.getNodeWebhookUrl('default') as string;
	const store = recordsOf(this.getWorkflowStaticData('node'));
	const sign = this.getNodeParameter('options.signDeliveries', true) as boolean;
	const previous = recordOf(this, store);
	// Healing keeps the token, so deliveries already on their way still get through.
	const token = previous?.token ?? newSecret();
	const secret = sign ? (previous?.secret || newSecret()) : '';
	const registeredUrl = withToken(webhookUrl, token);

	const { baseUrl } = await resolveCredential(this);
	const unreachable = unreachableReason(webhookUrl, baseUrl);
	if (unreachable) {
		throw new NodeOperationError(
			this.getNode(),
			`PortalDuct at ${baseUrl} cannot reach this trigger: n8n's webhook URL ${webhookUrl} is ${unreachable}`,
			{
				description:
					'Set WEBHOOK_URL (N8N_WEBHOOK_URL on n8n 2.x) to the https address where PortalDuct can reach this n8n, e.g. https://n8n.example.com/, restart n8n and activate again. For a local trial, run PortalDuct\'s sandbox on the same machine (npm run sandbox).',
			},
		);
	}

	const current = await getRegistration(this);
	let displaced = previous?.displaced;
	if (current && !pointsAt(current.url, webhookUrl)) {
		if (sameNodeOtherMode(current.url, webhookUrl)) {
			// A test listen displacing this node's production registration puts it back afterwards;
			// production displacing this node's own finished test listen has nothing to restore.
			displaced = this.getMode() === 'manual' ? { url: current.url } : undefined;
		} else if (await servedByActiveTrigger(this, current.url)) {
			throw new NodeOperationError(
				this.getNode(),
				`This PortalDuct account already sends its portal login changes to another active PortalDuct Trigger (${withoutToken(current.url)})`,
				{
					description:
						'PortalDuct keeps one webhook URL per account, so only one PortalDuct Trigger per account can be active. Deactivate the workflow that holds it first, or keep one trigger workflow and route its events with a Switch or Filter node.',
				},
			);
		} else {
			// Nobody serves it any more, or it is another system's: taken over, never restored.
			displaced = undefined;
		}
	}

	const registration = await register(this, registeredUrl, secret || undefined);
	store[recordKey(this)] = {
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
	const record = recordOf(this, store);
	const current = await getRegistration(this);
	const ours = current !== undefined && pointsAt(current.url, webhookUrl);
	if (ours) {
		const restore = record?.displaced;
		if (restore && !pointsAt(restore.url, webhookUrl)) {
			await register(this, restore.url, secretFor(store, restore.url));
		} else {
			await removeRegistration(this);
		}
	}
	// Someone else's registration is left alone: it replaced ours, it is not ours to remove.
	delete store[recordKey(this, store)];
	return true;
}
