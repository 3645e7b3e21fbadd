/**
 * Header values as Envoy's header parser reads them (and Istio's webhook checks them): literal text, `%%` for a
 * percent sign, and `%VARIABLE%` or `%VARIABLE(args)%` expressions, where args are a JSON string array or bare
 * text up to the closing `)`, e.g. `%DOWNSTREAM_PEER_CERT_V_END(%b %d %H:%M:%S %Y %Z)%`. Which variables exist
 * is not checked (neither does Istio); only whether the value parses.
 */

const CONTROL_CHARS = /[\u0000-\u0008\u000A-\u001F\u007F]/

type State = 'literal' | 'name' | 'expectArray' | 'expectString' | 'string' | 'expectDelimiterOrEnd' | 'expectArgsEnd' | 'expectVariableEnd'

/** Why `value` is not a valid header value, or undefined when it is. Linear in its length. */
export function headerValueProblem(value: string): string | undefined {
  if (CONTROL_CHARS.test(value)) return 'header value must not contain control characters'
  let state: State = 'literal'
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!
    switch (state) {
      case 'literal':
        if (ch !== '%') break
        if (i + 1 === value.length) return 'un-escaped "%" in header value (write "%%" for a literal percent sign)'
        if (value[i + 1] === '%') i++
        else state = 'name'
        break
      case 'name':
        if (ch === '%') state = 'literal'
        else if (ch === '(') state = 'expectArray'
        break
      case 'expectArray':
        if (ch === '[') state = 'expectString'
        else if (ch !== ' ') state = 'string' // bare text arguments, read like one string
        break
      case 'expectDelimiterOrEnd':
        if (ch === ',') state = 'expectString'
        else if (ch === ']') state = 'expectArgsEnd'
        else if (ch !== ' ') return `expected ",", "]" or a space in the arguments, got ${JSON.stringify(ch)}`
        break
      case 'expectString':
        if (ch === '"') state = 'string'
        else if (ch !== ' ') return `expected '"' to start an argument, got ${JSON.stringify(ch)}`
        break
      case 'string':
        if (ch === '\\') {
          if (i + 1 === value.length) return 'un-terminated backslash in an argument string'
          i++
        } else if (ch === ')') state = 'expectVariableEnd'
        else if (ch === '"') state = 'expectDelimiterOrEnd'
        break
      case 'expectArgsEnd':
        if (ch === ')') state = 'expectVariableEnd'
        else if (ch !== ' ') return `expected ")" after the arguments, got ${JSON.stringify(ch)}`
        break
      case 'expectVariableEnd':
        if (ch === '%') state = 'literal'
        else if (ch !== ' ') return `expected "%" to close the variable, got ${JSON.stringify(ch)}`
        break
    }
  }
  return state === 'literal' ? undefined : 'un-terminated %VARIABLE% expression in header value'
}
