import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { AgentProcess } from './harness/agent';
import { dockerServerVersion } from './harness/docker';
import { callApi, rawRequest } from './harness/http';
import { dockerSocket, REPO_ROOT } from '../helpers/test-env';

const SCREENSHOT = path.join(REPO_ROOT, 'docs', 'screenshots', 'overview.png');

// One agent for the file, restarted in place by the persistence test, as a user would.
test.describe.configure({ mode: 'serial' });

let agent: AgentProcess;

test.beforeAll(async () => {
  agent = await new AgentProcess({ env: { DOCKER_HOST: `unix://${dockerSocket()}` } }).start();
});

test.afterAll(async () => {
  await agent?.dispose();
});

test('the printed URL opens the dashboard, which reports the real Docker engine and its version', async ({ page }) => {
  const engineVersion = await dockerServerVersion();

  await page.goto(agent.dashboardUrl);

  // The token is traded for a cookie and does not stay in the address bar.
  expect(new URL(page.url()).searchParams.has('token')).toBe(false);
  await expect(page.getByTestId('docker-status')).toHaveText(/^Docker engine reachable$/);
  await expect(page.getByTestId('docker-version')).toHaveText(engineVersion);
  await expect(page.getByTestId('system-card')).toBeVisible();

  fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
});

test('a changed setting survives an agent restart', async ({ page }) => {
  await page.goto(agent.dashboardUrl);
  await page.getByTestId('nav-settings').click();
  const currency = page.getByTestId('settings-currency');
  const before = await currency.inputValue();
  const chosen = before === 'KES' ? 'PHP' : 'KES';

  await currency.selectOption(chosen);
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-saved')).toBeVisible();

  await agent.restart();

  // Fresh page on the restarted agent's new URL: nothing can come from the old page's state.
  await page.goto(agent.dashboardUrl);
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('settings-currency')).toHaveValue(chosen);

  const stored = await callApi(agent.port, 'settings.get', {}, { authorization: `Bearer ${agent.token}` });
  expect(stored.status).toBe(200);
  expect(JSON.parse(stored.body).ok.settings.currency).toBe(chosen);
});

test('requests without the token, with a foreign Host or from a foreign Origin are refused', async () => {
  const port = agent.port;
  const bearer = { authorization: `Bearer ${agent.token}` };

  // Control: the same request with the token and our own Host succeeds, so the refusals below are about them.
  const allowed = await callApi(port, 'system.info', {}, bearer);
  expect(allowed.status).toBe(200);
  expect(JSON.parse(allowed.body).ok.docker.reachable).toBe(true);

  const noToken = await callApi(port, 'system.info', {});
  expect(noToken.status).toBe(401);
  expect(JSON.parse(noToken.body).error.code).toBe('unauthorized');
  expect(noToken.body).not.toContain('"docker"');

  const wrongToken = await callApi(port, 'system.info', {}, { authorization: `Bearer ${agent.token.slice(1)}x` });
  expect(wrongToken.status).toBe(401);

  // DNS rebinding: a page on evil.example resolved to 127.0.0.1 sends its own name as Host.
  const rebound = await callApi(port, 'system.info', {}, { ...bearer, host: `evil.example:${port}` });
  expect(rebound.status).toBe(403);
  expect(JSON.parse(rebound.body).error.code).toBe('forbidden');

  // The token link itself must not hand out a cookie under a foreign Host.
  const reboundLink = await rawRequest({
    port,
    path: `/?token=${agent.token}`,
    headers: { host: `evil.example:${port}` },
  });
  expect(reboundLink.status).toBe(403);
  expect(reboundLink.headers['set-cookie']).toBeUndefined();

  const crossSite = await callApi(port, 'system.info', {}, { ...bearer, origin: 'http://evil.example' });
  expect(crossSite.status).toBe(403);
});
