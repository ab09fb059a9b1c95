/**
 * Diagnostics of code that runs correctly in the sandbox, dropped one by one by code and position rather
 * than by turning checks off: each would cost the agent a turn and teach it nothing. What stays checked:
 * unknown operations and fields, missing or misnamed parameters, wrong parameter types, body fields at the
 * wrong level, reading a response field that does not exist.
 */
import ts from '#typescript';
import { nodeAt } from './node-at.ts';

/** "Cannot find name" and its variants that suggest installing Node or DOM types. */
const CANNOT_FIND_NAME = new Set([2304, 2580, 2581, 2582, 2584, 2591, 2592, 2593, 2867, 2868]);
const NOT_ASSIGNABLE = new Set([2322, 2345]);
const ARITHMETIC_OPERAND = new Set([2362, 2363]);
const NO_SUCH_PROPERTY = new Set([2339]);

/** `'a' | 'b'` (with `| undefined`): a union of string literals, as specs declare allowed values. */
const STRING_LITERAL_UNION = /^'(?:"[^"]*"|undefined)(?: \| (?:"[^"]*"|undefined))*'\.?$/;

export function isTolerated(
  diagnostic: ts.Diagnostic,
  file: ts.SourceFile,
  checker: () => ts.TypeChecker,
): boolean {
  if (diagnostic.file !== file || diagnostic.start === undefined) return false;
  const code = diagnostic.code;
  if (CANNOT_FIND_NAME.has(code)) return isGuardedName(nodeAt(file, diagnostic.start));
  if (NOT_ASSIGNABLE.has(code)) return isStringForAllowedValues(diagnostic.messageText);
  if (ARITHMETIC_OPERAND.has(code)) return isDateOperand(nodeAt(file, diagnostic.start), checker());
  if (NO_SUCH_PROPERTY.has(code)) return isOnSomeUnionMember(nodeAt(file, diagnostic.start), checker());
  return false;
}

/**
 * `typeof process !== 'undefined'`, and uses of `process` inside a branch that such a test guards: the
 * usual way to probe for a runtime; in the sandbox the test is simply false.
 */
function isGuardedName(node: ts.Node | undefined): boolean {
  if (!node || !ts.isIdentifier(node)) return false;
  const name = node.text;
  if (ts.isTypeOfExpression(node.parent)) return true;
  for (let at: ts.Node = node; at.parent; at = at.parent) {
    const parent = at.parent;
    const guarded =
      (ts.isIfStatement(parent) && parent.thenStatement === at && testsTypeof(parent.expression, name)) ||
      (ts.isConditionalExpression(parent) && parent.whenTrue === at && testsTypeof(parent.condition, name)) ||
      (ts.isBinaryExpression(parent) &&
        parent.right === at &&
        parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken &&
        testsTypeof(parent.left, name));
    if (guarded) return true;
  }
  return false;
}

function testsTypeof(condition: ts.Node, name: string): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (ts.isTypeOfExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === name)
      found = true;
    else ts.forEachChild(node, visit);
  };
  visit(condition);
  return found;
}

/**
 * A `string` where the spec lists allowed values (`state: 'open' | 'closed'`): models keep values in
 * variables (`let state = 'closed'`) that TypeScript widens to `string`. A literal outside the list
 * (`'opened'`) is still refused: its type is the literal, not `string`.
 */
function isStringForAllowedValues(message: string | ts.DiagnosticMessageChain): boolean {
  let leaf = message;
  while (typeof leaf !== 'string' && leaf.next?.length) leaf = leaf.next[0]!;
  const text = typeof leaf === 'string' ? leaf : leaf.messageText;
  const match =
    /^(?:Type|Argument of type) 'string' is not assignable to (?:type|parameter of type) (.*)$/.exec(text);
  return match !== null && STRING_LITERAL_UNION.test(match[1]!);
}

/** `new Date() - started`: JavaScript converts a Date to its time value, as `getTime()` would. */
function isDateOperand(node: ts.Node | undefined, checker: ts.TypeChecker): boolean {
  for (let at = node; at; at = at.parent) {
    if (ts.isBinaryExpression(at)) {
      const isDateOrNumber = (side: ts.Expression) => {
        const type = checker.getTypeAtLocation(side);
        const name = type.getSymbol()?.getName();
        return name === 'Date' || (type.flags & (ts.TypeFlags.NumberLike | ts.TypeFlags.Any)) !== 0;
      };
      return isDateOrNumber(at.left) && isDateOrNumber(at.right);
    }
  }
  return false;
}

/**
 * `label.name` where labels are `string | { name }`, `content.sha` on a union of file kinds: the field
 * exists on the member the API actually returns here, and narrowing first is ceremony. A field on no
 * member at all is still an error.
 */
function isOnSomeUnionMember(node: ts.Node | undefined, checker: ts.TypeChecker): boolean {
  const access =
    node && ts.isIdentifier(node) && ts.isPropertyAccessExpression(node.parent) ? node.parent : undefined;
  if (!access) return false;
  const type = checker.getTypeAtLocation(access.expression);
  if (!type.isUnion()) return false;
  return type.types.some((member) => checker.getPropertyOfType(member, access.name.text) !== undefined);
}
