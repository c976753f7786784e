import { addressToShow, register } from '../../transport/registration';
import { readUrl } from '../../validation';
import { defineAction } from '../types';

export const registerWebhook = defineAction({
	resource: 'webhook',
	writes: true,
	operation: {
		name: 'Register',
		value: 'register',
		action: 'Register portal login webhook',
		description:
			'Tell PortalDuct where to send portal-login status changes (pending, success, failure). PortalDuct keeps one URL per account, so this replaces the current one, including a PortalDuct Trigger\'s.',
	},
	fields: [
		{
			displayName: 'URL',
			name: 'url',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. https://example.com/portalduct-events',
			description: 'The address PortalDuct POSTs each status change to',
		},
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Optional shared secret PortalDuct signs deliveries with',
		},
	],
	read(itemIndex) {
		const secret = this.getNodeParameter('secret', itemIndex, '') as string;
		return { url: readUrl(this, 'url', 'URL', itemIndex), secret: secret || undefined };
	},
	async execute(input, itemIndex, run) {
		const registration = await register(run, input.url, input.secret, itemIndex);
		// As Webhook > Get shows it: a URL's user name, password and query values may be credentials
		// (a PortalDuct Trigger's delivery token), not for execution data; `signing` is a fingerprint.
		return { registered: true, ...registration, url: addressToShow(registration.url, ['signing']), signed: Boolean(input.secret) };
	},
});
