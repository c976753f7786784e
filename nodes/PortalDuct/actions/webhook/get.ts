import { NodeOperationError } from 'n8n-workflow';

import { addressToShow, lookUpRegistration, notServedWords } from '../../transport/registration';
import { defineAction } from '../types';

export const getWebhook = defineAction({
	resource: 'webhook',
	operation: {
		name: 'Get',
		value: 'get',
		action: 'Get portal login webhook',
		description: 'Get the URL PortalDuct currently sends portal-login status changes to, if any',
	},
	fields: [],
	read() {
		return {};
	},
	async execute(_input, itemIndex, run) {
		const lookup = await lookUpRegistration(run, itemIndex);
		if (lookup.kind === 'notServed') {
			throw new NodeOperationError(this.getNode(), `${notServedWords('GET', lookup)}, so Webhook > Get cannot tell where it sends portal login changes`, {
				itemIndex,
				description:
					'Register (POST) still works and replaces the URL. To know where PortalDuct sends its portal login changes, keep track of what you register, or ask PortalDuct.',
			});
		}
		if (lookup.kind === 'none') return { registered: false };
		const { registration } = lookup;
		// A PortalDuct Trigger's URL carries its delivery token, another system's may carry its key:
		// credentials, not for execution data. The trigger's `signing` marker is a fingerprint: shown.
		return { registered: true, ...registration, url: addressToShow(registration.url, ['signing']) };
	},
});
