import { getRegistration } from '../../transport/registration';
import { defineAction } from '../types';

/** The URL with the value of a `token` query parameter replaced by `(hidden)`. */
function hideToken(url: string): string {
	try {
		const parsed = new URL(url);
		if (!parsed.searchParams.has('token')) return url;
		parsed.searchParams.set('token', '(hidden)');
		return parsed.toString();
	} catch {
		return url;
	}
}

export const getWebhook = defineAction({
	resource: 'webhook',
	operation: {
		name: 'Get',
		value: 'get',
		action: 'Get the portal login webhook',
		description: 'Get the URL PortalDuct currently sends portal-login status changes to, if any',
	},
	fields: [],
	read() {
		return {};
	},
	async execute(_input, itemIndex, run) {
		const registration = await getRegistration(run, itemIndex);
		if (!registration) return { registered: false };
		// A PortalDuct Trigger's URL carries its delivery token: a credential, not for execution data.
		return { registered: true, ...registration, url: hideToken(registration.url) };
	},
});
