import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { paths } from '../nodes/PortalDuct/api/paths';
import { EXPRESSION_FIELDS, EXPRESSION_FIELDS_PROBE } from '../nodes/PortalDuct/transport/expression-fields';
import { sessionOwner, sessionToStore } from '../nodes/PortalDuct/transport/session';

/**
 * PortalDuct logs in with email and password and hands out short-lived Bearer tokens. n8n keeps
 * the session in the hidden fields below and stores what preAuthentication returns; the session's
 * life (login, refresh, sharing a renewal) is transport/session.ts's.
 */
export class PortalDuctApi implements ICredentialType {
	name = 'portalDuctApi';

	displayName = 'PortalDuct API';

	icon: Icon = {
		light: 'file:../nodes/PortalDuct/portalduct.svg',
		dark: 'file:../nodes/PortalDuct/portalduct.dark.svg',
	};

	documentationUrl = 'https://github.com/portalduct/n8n-nodes-portalduct#credentials';

	properties: INodeProperties[] = [
		{
			// n8n refreshes through the FIRST hidden field marked expirable: keep this one first.
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Refresh Token',
			name: 'refreshToken',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Session Expiry',
			name: 'sessionExpiry',
			type: 'hidden',
			default: '',
		},
		{
			// Which Base URL, Email and Password the session above was obtained for (see sessionOwner()).
			displayName: 'Session Owner',
			name: 'sessionOwner',
			type: 'hidden',
			default: '',
		},
		{
			// Which of Base URL, Email and Password are expressions, worked out by n8n on every read
			// of the credential (see transport/expression-fields.ts): '' lets the node read it once per run.
			displayName: 'Expression Fields',
			name: EXPRESSION_FIELDS,
			type: 'hidden',
			default: EXPRESSION_FIELDS_PROBE,
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://api.portalduct.example',
			description:
				'The API host of your PortalDuct environment (sandbox or production), e.g. https://api.portalduct.example, without /v1. PortalDuct gives each account both hosts when it is set up; ask your PortalDuct contact if you do not have them.',
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			placeholder: 'e.g. name@email.com',
			default: '',
			required: true,
			description: 'The email address registered with PortalDuct for this environment',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The password of that PortalDuct login. It is only sent to PortalDuct to get a session token.',
		},
	];

	/**
	 * n8n runs this when the token field is empty (and, for the HTTP Request node, after a 401), and
	 * stores what it returns. For the PortalDuct node it answers with the session the node just
	 * obtained (no request); otherwise it renews, shared with every request of this process that
	 * meets the same expired token (transport/session.ts). A session obtained for another Base URL,
	 * Email or Password is never refreshed: the credential logs in again instead.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const session = await sessionToStore((options) => this.helpers.httpRequest(options), credentials);
		// The probe goes back as the expression it is: n8n 1.x stores the resolved credential after a
		// login, which would otherwise freeze today's answer into it.
		return { ...session, [EXPRESSION_FIELDS]: EXPRESSION_FIELDS_PROBE };
	}

	/**
	 * Adds `Authorization: Bearer <accessToken>`, only for the Base URL, Email and Password the token
	 * was obtained with: after the user edits any of them, the old token is not sent (a changed
	 * Password then meets PortalDuct's 401 and n8n's preAuthentication really logs in). A function rather than
	 * n8n's generic header expression, which n8n evaluates through its expression engine on every
	 * request (about 40 µs each in real n8n, `npm run bench:profile`); this is a plain call.
	 */
	// A field, not a method: n8n copies the credential's own fields into the types the editor reads,
	// and the HTTP Request node offers only credentials whose copy has `authenticate`.
	authenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => {
		const token = String(credentials.accessToken ?? '');
		if (token === '' || credentials.sessionOwner !== ownerOrNone(credentials)) return requestOptions;
		return { ...requestOptions, headers: { ...requestOptions.headers, Authorization: `Bearer ${token}` } };
	};

	/**
	 * The Test button (also run on save) logs in with the Base URL, Email and Password as typed: a
	 * request proving an already stored session would pass after the Password is edited, wherever
	 * PortalDuct answers a request without a session inside an HTTP 200 (n8n runs preAuthentication
	 * in a test only when no session is stored). A login PortalDuct refuses with 401 makes n8n run
	 * preAuthentication, whose error quotes PortalDuct; a refusal inside an HTTP 200 that says
	 * `"success": false` [assumed variant] is caught by the rule below. The answer (a token) goes
	 * nowhere: n8n keeps only OK or the error.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.trim().replace(/\\/+$/, "").replace(/\\/v1$/i, "")}}',
			url: paths.login,
			method: 'POST',
			// As logIn() sends it (transport/session.ts).
			body: { email: '={{String($credentials.email).trim()}}', password: '={{$credentials.password}}' },
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'success',
					value: false,
					message:
						'PortalDuct refused the login: its answer (HTTP 200) says "success": false. Check the Email and Password, and that the Base URL is the environment (sandbox or production) this account belongs to.',
				},
			},
		],
	};
}

/** sessionOwner() of the credential, or '' when its Base URL is not an http(s) address (then nothing is sent). */
function ownerOrNone(credentials: ICredentialDataDecryptedObject): string {
	try {
		return sessionOwner(credentials.baseUrl, credentials.email, credentials.password);
	} catch {
		return '';
	}
}
