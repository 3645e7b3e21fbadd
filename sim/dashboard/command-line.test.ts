import { describe, expect, test } from 'vitest'
import { commandFor, stepRate } from './actions.ts'
import { parseCommand } from './command-line.ts'

describe(': command line', () => {
  test.each([
    [':fault ratings delay 7s user=jason', { type: 'fault', service: 'ratings', fault: { kind: 'delay', ms: 7000 }, percent: 100, user: 'jason' }],
    [':fault ratings delay 500ms match user=jason', { type: 'fault', service: 'ratings', fault: { kind: 'delay', ms: 500 }, percent: 100, user: 'jason' }],
    [':fault ratings abort 500 50%', { type: 'fault', service: 'ratings', fault: { kind: 'abort', status: 500 }, percent: 50 }],
    ['fault reviews abort 503 12.5% user=*', { type: 'fault', service: 'reviews', fault: { kind: 'abort', status: 503 }, percent: 12.5 }],
    [':fault ratings off', { type: 'fault', service: 'ratings', fault: { kind: 'off' }, percent: 0 }],
    [':split reviews v1=80 v3=20', { type: 'split', service: 'reviews', weights: { v1: 80, v3: 20 } }],
    [':split reviews v3=100', { type: 'split', service: 'reviews', weights: { v3: 100 } }],
    [':mirror on', { type: 'mirror', on: true }],
    [':mirror off httpbin', { type: 'mirror', on: false, service: 'httpbin' }],
    [':mirror on reviews to=v3', { type: 'mirror', on: true, service: 'reviews', to: 'v3' }],
    [':toxic ratings-v1 latency 500', { type: 'toxic', workload: 'ratings-v1', toxic: 'latency', value: 500 }],
    [':toxic ratings-v1 latency 500ms', { type: 'toxic', workload: 'ratings-v1', toxic: 'latency', value: 500 }],
    [':toxic reviews-v2 bandwidth 10', { type: 'toxic', workload: 'reviews-v2', toxic: 'bandwidth', value: 10 }],
    [':toxic reviews-v2 reset_peer', { type: 'toxic', workload: 'reviews-v2', toxic: 'reset_peer' }],
    [':toxic reviews-v2 remove', { type: 'toxic', workload: 'reviews-v2', toxic: 'remove' }],
    [':apply /tmp/vs.yaml', { type: 'apply', file: '/tmp/vs.yaml' }],
    [':apply -f vs.yaml', { type: 'apply', file: 'vs.yaml' }],
    [':user jason', { type: 'user', user: 'jason' }],
    [':rate 10', { type: 'rate', rps: 10 }],
    [':reset', { type: 'reset' }],
    [':q', { type: 'quit' }],
    ['  :quit  ', { type: 'quit' }],
    [':hint', { type: 'lesson', op: 'hint' }],
  ])('%s', (line, action) => {
    expect(parseCommand(line)).toEqual(action)
  })

  test.each([
    [':', /empty command/],
    [':frobnicate', /unknown command "frobnicate"; commands: apply, fault/],
    [':fault ratings', /usage: :fault SERVICE delay 7s\|abort 500/],
    [':fault ratings delay seven', /delay needs a duration like 7s or 500ms, got "seven"/],
    [':fault ratings abort 99', /abort needs an HTTP status 200–599, got "99"/],
    [':fault ratings abort 500 150%', /percentage must be 0–100, got 150%/],
    [':fault ratings explode', /fault kind must be delay, abort or off, got "explode"/],
    [':fault ratings abort 500 sometimes', /unexpected "sometimes"/],
    [':split reviews v1=80 v3=30', /weights add up to 110; they must add up to 100/],
    [':split reviews v1:80', /expected SUBSET=WEIGHT like v1=80, got "v1:80"/],
    [':mirror maybe', /usage: :mirror on\|off/],
    [':toxic ratings-v1 meteor', /usage: :toxic WORKLOAD latency/],
    [':toxic ratings-v1 latency -5', /expected a whole number for latency, got "-5"/],
    [':user bob', /user must be one of anonymous, jason, mixed, got "bob"/],
    [':rate fast', /usage: :rate N/],
    [':apply', /usage: :apply FILE/],
  ])('%s is an error that says what to type', (line, message) => {
    const parsed = parseCommand(line)
    expect('error' in parsed && parsed.error).toMatch(message)
  })

  test('each menu or key action names the command that does the same', () => {
    for (const line of [':fault ratings delay 7s 100% user=jason', ':fault ratings abort 500 50%', ':split reviews v1=80 v3=20', ':mirror on', ':toxic ratings-v1 latency 500', ':fault ratings off']) {
      const action = parseCommand(line)
      expect('error' in action).toBe(false)
      expect(commandFor(action as never)).toBe(line)
    }
  })

  test('+ and - walk the load ladder', () => {
    expect(stepRate(2, 1)).toBe(5)
    expect(stepRate(3, 1)).toBe(5)
    expect(stepRate(100, 1)).toBe(100)
    expect(stepRate(2, -1)).toBe(1)
    expect(stepRate(3, -1)).toBe(2)
    expect(stepRate(0, -1)).toBe(0)
  })
})
