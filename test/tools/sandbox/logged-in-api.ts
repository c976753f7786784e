/** Tests' HTTP client for a sandbox, already logged in: statuses are asserted, never thrown. */
import axios, { type AxiosInstance } from 'axios';

import type { Sandbox } from './types';

export async function loggedInApi(sandbox: Sandbox): Promise<{ api: AxiosInstance; auth: { Authorization: string } }> {
	const api = axios.create({ baseURL: sandbox.url, validateStatus: () => true });
	const res = await api.post('/v1/login', sandbox.login);
	return { api, auth: { Authorization: `Bearer ${res.data.token}` } };
}
