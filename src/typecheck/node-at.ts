/** The syntax node a diagnostic points at, for checks and messages that need more than its text. */
import ts from '#typescript';

/** The innermost node starting at or around `start`. */
export function nodeAt(file: ts.SourceFile, start: number): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    if (node.getStart(file) <= start && start < node.getEnd()) {
      found = node;
      ts.forEachChild(node, visit);
    }
  };
  visit(file);
  return found;
}
