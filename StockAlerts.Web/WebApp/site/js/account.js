// The signed-in account: who it is, whether it may open the jobs dashboard, export and deletion.
import { ApiError, del, get, isMissingEndpoint } from './api.js';

let account = null;
let loading = null;

/**
 * GET /api/account ({email, isAdmin}); servers without it still answer the identity endpoint's info.
 * One request per session: every caller shares it.
 */
export function loadAccount() {
  loading ??= fetchAccount().catch((error) => {
    loading = null;
    throw error;
  });
  return loading;
}

async function fetchAccount() {
  try {
    account = await get('/api/account');
  } catch (error) {
    if (!isMissingEndpoint(error)) throw error;
    const info = await get('/api/auth/manage/info');
    account = { email: info.email, isAdmin: false, limited: true };
  }
  return account;
}

export const currentAccount = () => account;

export function forgetAccount() {
  account = null;
  loading = null;
}

function unavailable(what) {
  return new ApiError(404, { detail: `This server cannot ${what} yet. Ask its operator to update StockAlerts.` });
}

export async function deleteAccount(password) {
  try {
    await del('/api/account', { password });
  } catch (error) {
    if (isMissingEndpoint(error)) throw unavailable('delete accounts');
    throw error;
  }
}

/** Downloads everything the server keeps about the user as a JSON file. */
export async function exportData() {
  let data;
  try {
    data = await get('/api/account/export');
  } catch (error) {
    if (isMissingEndpoint(error)) throw unavailable('export your data');
    throw error;
  }
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `stockalerts-export-${new Date().toISOString().slice(0, 10)}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
