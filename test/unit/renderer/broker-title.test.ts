// The broker line's tooltip, through i18next with the wall's own messages: what a duty room's
// administrator reads when an alarm seems missing (did the wall read it? did it hand it on?).
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import type { BrokerHealth, Health } from '../../../core/contract';
import { en } from '../../../renderer/src/i18n/en';
import { zhCN } from '../../../renderer/src/i18n/zh-CN';
import { brokerTitleOf } from '../../../renderer/src/ui/Header';

const i18n = i18next.createInstance();
void i18n.init({ lng: 'zh-CN', resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } }, interpolation: { escapeValue: false }, initAsync: false });

const broker = (o: Partial<BrokerHealth> = {}): BrokerHealth => ({ url: 'mqtt://n2:1883', connected: true, lastConnectedAt: 1, disconnectedAt: null, lastMessageAt: 2, reconnects: 0, error: null, received: 0, handled: 0, ...o });
const health = (b: BrokerHealth) => ({ broker: b }) as Health;

describe('the broker line’s tooltip', () => {
  it('says where, how often it reconnected, and what the wall read against what it handed on, in both languages', () => {
    const h = health(broker({ reconnects: 2, received: 1_234_567, handled: 1_234_560 }));
    expect(brokerTitleOf(h, i18n.getFixedT('zh-CN'), 'zh-CN')!.split('\n')).toEqual(['mqtt://n2:1883', '已重连 2 次', '已接收 1,234,567 条消息，已处理 1,234,560 条']);
    expect(brokerTitleOf(h, i18n.getFixedT('en'), 'en')!.split('\n')).toEqual(['mqtt://n2:1883', 'reconnected 2 times', 'read 1,234,567 messages, handed on 1,234,560']);
  });

  it('leaves out what did not happen, and says nothing before the first health', () => {
    expect(brokerTitleOf(health(broker({ error: 'connack timeout' })), i18n.getFixedT('en'), 'en')).toBe('mqtt://n2:1883\nerror: connack timeout\nread 0 messages, handed on 0');
    expect(brokerTitleOf(null, i18n.getFixedT('en'), 'en')).toBeUndefined();
  });
});
