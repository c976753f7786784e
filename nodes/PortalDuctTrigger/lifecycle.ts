/**
 * Registration lifecycle. PortalDuct holds ONE webhook URL per account [assumed], so:
 * - what this node registered is kept in its static data, keyed by n8n's webhook URL, so the
 *   editor's test URL and the production URL keep separate records;
 * - create() remembers the registration it displaced, and delete() puts it back when ours is
 *   still the current one, so a test listen never leaves the account without its production URL;
 * - checkExists() asks PortalDuct, so a registration removed or replaced behind n8n's back is
 *   created again on the next activation instead of silently receiving nothing.
 */
import type { IDataObject, IHookFunctions } from 'n8n-workflow';

import {
	getRegistration,
	register,
	removeRegistration,
} from '../PortalDuct/transport/registration';
import { newSecret, pointsAt, sameNodeOtherMode, withToken } from './verify';

export interface RegistrationRecord {
	/** Carried in the registered URL; every delivery must present it. */
	token: string;
	/** Registered with PortalDuct for signing; empty when signing is turned off. */
	secret: string;
	registeredUrl: string;
	webhookId?: string;
	/** The registration this one replaced, to restore on delete. */
	displaced?: { url: string };
	/** Recent eventIds, to acknowledge PortalDuct's retries without emitting them twice. */
	seen: string[];
}

type Store = Record<string, RegistrationRecord>;

export function recordsOf(staticData: IDataObject): Store {
	if (typeof staticData.registrations !== 'object' || staticData.registrations === null) {
		staticData.registrations = {};
	}
	return staticData.registrations as unknown as Store;
}

/** A secret we registered for a URL, if that URL is one of this node's own records. */
function secretFor(store: Store, url: string): string | undefined {
	return Object.values(store).find((record) => record.registeredUrl === url)?.secret || undefined;
}

export async function checkExists(this: IHookFunctions): Promise<boolean> {
	const webhookUrl = this.getNodeWebhookUrl('default') as string;
	const record = recordsOf(this.getWorkflowStaticData('node'))[webhookUrl];
	if (!record) return false;
	const current = await getRegistration(this);
	return current?.url === record.registeredUrl;
}

export async function create(this: IHookFunctions): Promise<boolean> {
	const webhookUrl = this.getNodeWebhookUrl('default') as string;
	const store = recordsOf(this.getWorkflowStaticData('node'));
	const sign = this.getNodeParameter('options.signDeliveries', true) as boolean;
	const previous = store[webhookUrl];
	// Healing keeps the token, so deliveries already on their way still get through.
	const token = previous?.token ?? newSecret();
	const secret = sign ? (previous?.secret || newSecret()) : '';
	const registeredUrl = withToken(webhookUrl, token);

	const current = await getRegistration(this);
	let displaced = previous?.displaced;
	// Production displacing this node's own test listen: that listen is over, nothing to restore.
	const ownTestListen =
		this.getMode() !== 'manual' && current !== undefined && sameNodeOtherMode(current.url, webhookUrl);
	if (current && !pointsAt(current.url, webhookUrl) && !ownTestListen) displaced = { url: current.url };

	const registration = await register(this, registeredUrl, secret || undefined);
	store[webhookUrl] = {
		token,
		secret,
		registeredUrl,
		webhookId: registration.webhookId,
		displaced,
		seen: previous?.seen ?? [],
	};
	return true;
}

export async function remove(this: IHookFunctions): Promise<boolean> {
	const webhookUrl = this.getNodeWebhookUrl('default') as string;
	const store = recordsOf(this.getWorkflowStaticData('node'));
	const record = store[webhookUrl];
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
	delete store[webhookUrl];
	return true;
}
