/** The decoder answers with Go's encoding/json texts. */
import { describe, expect, test } from 'vitest'
import { decodeStruct, type GoStruct, parseGoJson } from './go-json.ts'

const parse = (text: string) => parseGoJson(Buffer.from(text))
const PROXY: GoStruct = { name: 'Proxy', type: 'toxiproxy.Proxy', fields: { name: 'string', enabled: 'bool' } }
const TOXIC: GoStruct = {
  name: '',
  type: 'struct {…}',
  fields: { toxicity: 'float32', attributes: { name: 'LatencyToxic', type: 'toxics.LatencyToxic', fields: { latency: 'int64' } } },
}

describe('syntax errors', () => {
  test.each([
    ['', 'EOF'],
    ['   \n', 'EOF'],
    ['{"name":', 'unexpected EOF'],
    ['{"name":"x"', 'unexpected EOF'],
    ['nope', "invalid character 'o' in literal null (expecting 'u')"],
    ['{name:1}', "invalid character 'n' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['[1 2]', "invalid character '2' after array element"],
    ['{"a":01}', "invalid character '1' after object key:value pair"],
    ['{"a":-x}', "invalid character 'x' in numeric literal"],
    ['{"a":1.}', "invalid character '}' after decimal point in numeric literal"],
    ['{"a":1e}', "invalid character '}' in exponent of numeric literal"],
    ['{"a":"\\q"}', "invalid character 'q' in string escape code"],
    ['{"a":"\u0001"}', "invalid character '\\x01' in string literal"],
    ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
  ])('%j → %s', (text, message) => {
    expect(() => parse(text)).toThrow(message)
  })

  test('trailing data after the first value is ignored, as with json.Decoder', () => {
    expect(parse('{"a":1} trailing')).toEqual({ kind: 'object', entries: [['a', { kind: 'number', raw: '1' }]] })
  })

  test('escapes decode, surrogate pairs combine', () => {
    expect(parse('"a\\u00e9\\ud83d\\ude00\\n"')).toEqual({ kind: 'string', value: 'aé😀\n' })
  })
})

describe('type errors', () => {
  test.each([
    ['{"name":5}', PROXY, 'json: cannot unmarshal number into Go struct field Proxy.name of type string'],
    ['{"enabled":"yes"}', PROXY, 'json: cannot unmarshal string into Go struct field Proxy.enabled of type bool'],
    ['[]', PROXY, 'json: cannot unmarshal array into Go value of type toxiproxy.Proxy'],
    ['{"attributes":{"latency":1.5}}', TOXIC, 'json: cannot unmarshal number 1.5 into Go struct field LatencyToxic.attributes.latency of type int64'],
    ['{"attributes":{"latency":1e3}}', TOXIC, 'json: cannot unmarshal number 1e3 into Go struct field LatencyToxic.attributes.latency of type int64'],
    ['{"attributes":5}', TOXIC, 'json: cannot unmarshal number into Go struct field .attributes of type toxics.LatencyToxic'],
    ['{"toxicity":1e39}', TOXIC, 'json: cannot unmarshal number 1e39 into Go struct field .toxicity of type float32'],
  ])('%s', (text, struct, message) => {
    expect(() => decodeStruct(parse(text), struct)).toThrow(message)
  })

  test('keys match case-insensitively; unknown keys and nulls are ignored; later keys win', () => {
    expect(decodeStruct(parse('{"NAME":"a","Enabled":true,"extra":[1],"name":null,"nAmE":"b"}'), PROXY)).toEqual({ name: 'b', enabled: true })
  })

  test('decodes over current values, merging nested structs', () => {
    const current = { toxicity: 0.5, attributes: { latency: 100 } }
    expect(decodeStruct(parse('{"attributes":{}}'), TOXIC, current)).toEqual(current)
    expect(decodeStruct(parse('{"toxicity":0.1}'), TOXIC, current)).toEqual({ toxicity: Math.fround(0.1), attributes: { latency: 100 } })
  })
})
