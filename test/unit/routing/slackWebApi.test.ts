import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackWebApi } from '../../../lib/alerts/destinations/slackWebApi.js';
import { DeliveryError } from '../../../lib/errors/TrustwatchError.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';
import {
  type SlackWebApiStandIn,
  startSlackWebApiStandIn,
} from '../../support/slackWebApiStandIn.js';
import { taggedDemoSnapshot } from '../../support/taggedDemo.js';

let standIn: SlackWebApiStandIn;
const payload = {
  text: 'hello',
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hello' } }],
};

beforeAll(async () => {
  standIn = await startSlackWebApiStandIn('xoxb-good', ['C0TEAM0001']);
});
afterAll(() => standIn.close());

const api = (token: string) =>
  slackWebApi({ token: async () => token, baseUrl: standIn.url, sleep: async () => {} });

describe('slackWebApi against the Web API stand-in', () => {
  it('posts, replies in the thread and updates, as Slack documents the calls', async () => {
    const a = api('xoxb-good');
    const posted = await a.postMessage('C0TEAM0001', payload);
    const reply = await a.postMessage('C0TEAM0001', { text: 'again', blocks: [] }, posted.ts);
    await a.update(posted.channel, posted.ts, { ...payload, text: 'hello (2)' });
    expect(reply.ts).not.toBe(posted.ts);
    expect(standIn.replies('C0TEAM0001', posted.ts).map((m) => m.text)).toEqual(['again']);
    expect(standIn.topLevel('C0TEAM0001')[0]).toMatchObject({ text: 'hello (2)', updates: 1 });
    expect(standIn.calls.map((c) => c.answer)).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
  });

  it.each([
    ['a wrong token', 'xoxb-bad', 'C0TEAM0001', 'invalid_auth'],
    ['a channel the app is not in', 'xoxb-good', 'C0OTHER001', 'channel_not_found'],
  ])(
    'fails at once on %s, without retrying and without the token in the message',
    async (_w, token, channel, code) => {
      standIn.reset();
      const err = await api(token)
        .postMessage(channel, payload)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeliveryError);
      expect((err as Error).message).toBe(`slack chat.postMessage refused: ${code}`);
      expect(standIn.calls).toHaveLength(1);
    },
  );

  it('refuses to update a message that does not exist', async () => {
    await expect(api('xoxb-good').update('C0TEAM0001', '1.000001', payload)).rejects.toThrow(
      'slack chat.update refused: message_not_found',
    );
  });
});

describe('account tags on the state-source port', () => {
  it('reads organization.accounts[].tags of a snapshot, and none for an account without', async () => {
    const s = new SnapshotStateSource(taggedDemoSnapshot());
    expect(await s.accountTags('666666666666')).toEqual({
      ok: true,
      value: [{ key: 'owner', value: 'payments' }],
    });
    expect(await s.accountTags('222222222222')).toEqual({ ok: true, value: [] });
  });
});
