// Block actions on the article: each one a ProseMirror command (state, dispatch) → bool, one
// undo step, so the toolbar, the keyboard and the tests share them. « The block » is the
// top-level block holding the cursor (a whole list, a whole quote).
import { Selection, NodeSelection, TextSelection } from "prosemirror-state";
import { lift, toggleMark, wrapIn } from "prosemirror-commands";
import { liftListItem, wrapInList } from "prosemirror-schema-list";
import { schema } from "./schema.js";

const { paragraph, heading, bullet_list, ordered_list, blockquote, list_item } = schema.nodes;

/** The top-level block of the selection: {node, pos, index}, or null (a gap cursor). */
export function currentBlock(state) {
  const { selection } = state;
  if (selection instanceof NodeSelection && selection.$from.depth === 0) {
    return { node: selection.node, pos: selection.from, index: selection.$from.index(0) };
  }
  const { $from } = selection;
  if ($from.depth < 1) return null;
  return { node: $from.node(1), pos: $from.before(1), index: $from.index(0) };
}

/** The innermost textblock's kind: "question", "answer", "paragraph" (or null). */
export function blockKind(state) {
  const { $from } = state.selection;
  const parent = $from.parent;
  if (parent.type === heading) return "question";
  if (parent.type !== paragraph) return null;
  return parent.attrs.speaker ? "answer" : "paragraph";
}

/** The list or quote around the selection ("bullet_list", "ordered_list", "blockquote"). */
export function wrappers(state) {
  const names = new Set();
  const { $from } = state.selection;
  for (let d = $from.depth; d > 0; d--) names.add($from.node(d).type.name);
  return names;
}

function placeCursor(tr, pos, offset, wasNode) {
  if (wasNode) return tr.setSelection(NodeSelection.create(tr.doc, pos));
  const at = Math.min(pos + offset, tr.doc.content.size);
  return tr.setSelection(Selection.near(tr.doc.resolve(at)));
}

/** Swaps the block with the one before (dir -1) or after (+1); each place keeps its blank lines. */
export function moveBlock(dir) {
  return (state, dispatch) => {
    const block = currentBlock(state);
    if (!block) return false;
    const { doc } = state;
    const other = block.index + dir;
    if (other < 0 || other >= doc.childCount) return false;
    if (dispatch) {
      const near = doc.child(other);
      const { node } = block;
      const moved = node.type.create({ ...node.attrs, sep: near.attrs.sep }, node.content, node.marks);
      const stays = near.type.create({ ...near.attrs, sep: node.attrs.sep }, near.content, near.marks);
      const start = dir < 0 ? block.pos - near.nodeSize : block.pos;
      const tr = state.tr.replaceWith(start, start + node.nodeSize + near.nodeSize,
        dir < 0 ? [moved, stays] : [stays, moved]);
      const to = dir < 0 ? start : start + stays.nodeSize;
      placeCursor(tr, to, state.selection.from - block.pos, state.selection instanceof NodeSelection);
      dispatch(tr.scrollIntoView());
    }
    return true;
  };
}

/** Removes the block (an empty paragraph stays when it was the only one). */
export function deleteBlock(state, dispatch) {
  const block = currentBlock(state);
  if (!block) return false;
  if (dispatch) {
    const end = block.pos + block.node.nodeSize;
    const tr = state.doc.childCount > 1 ? state.tr.delete(block.pos, end)
      : state.tr.replaceWith(block.pos, end, paragraph.create());
    const at = Math.min(block.pos, tr.doc.content.size);
    tr.setSelection(Selection.near(tr.doc.resolve(at), block.index ? -1 : 1));
    dispatch(tr.scrollIntoView());
  }
  return true;
}

// Runs `command` on the state `tr` leads to and adds its steps to `tr`: several commands, one
// undo step.
function also(state, tr, command) {
  let done = false;
  command(state.apply(tr), (next) => {
    next.steps.forEach((step) => tr.step(step));
    tr.setSelection(Selection.fromJSON(tr.doc, next.selection.toJSON()));
    done = true;
  });
  return done;
}

// Takes the cursor's paragraph out of its lists and quotes, to the top level.
function unwrap(state, tr) {
  for (let i = 0; i < 20; i++) {
    const names = wrappers(state.apply(tr));
    if (names.has("list_item")) { if (!also(state, tr, liftListItem(list_item))) return; }
    else if (names.has("blockquote")) { if (!also(state, tr, lift)) return; }
    else return;
  }
}

function retype(type, attrs) {
  return (state, dispatch) => {
    const tr = state.tr;
    unwrap(state, tr);
    const { $from, $to } = tr.selection;
    if (!$from.parent.isTextblock) return false;
    tr.setBlockType($from.pos, $to.pos, type, (old) => ({ ...old.attrs, ...attrs }));
    if (dispatch) dispatch(tr.scrollIntoView());
    return true;
  };
}

export const toQuestion = retype(heading, { level: 2, speaker: null });
export const toParagraph = retype(paragraph, { speaker: null });
export const toAnswer = (speaker) => retype(paragraph, { speaker });

/** A bulleted or numbered list; on a list of that kind already, back to paragraphs. */
export function toList(type) {
  return (state, dispatch) => {
    const names = wrappers(state);
    if (names.has(type.name)) return retype(paragraph, { speaker: null })(state, dispatch);
    const other = type === bullet_list ? ordered_list : bullet_list;
    if (names.has(other.name)) {
      const { $from } = state.selection;
      for (let d = $from.depth; d > 0; d--) {
        if ($from.node(d).type === other) {
          if (dispatch) dispatch(state.tr.setNodeMarkup($from.before(d), type, { sep: $from.node(d).attrs.sep }));
          return true;
        }
      }
    }
    const tr = state.tr;
    unwrap(state, tr);
    if (!also(state, tr, wrapInList(type))) return false;
    if (dispatch) dispatch(tr.scrollIntoView());
    return true;
  };
}

export function toQuote(state, dispatch) {
  if (wrappers(state).has("blockquote")) return retype(paragraph, { speaker: null })(state, dispatch);
  const tr = state.tr;
  unwrap(state, tr);
  if (!also(state, tr, wrapIn(blockquote))) return false;
  if (dispatch) dispatch(tr.scrollIntoView());
  return true;
}

export const toBulletList = toList(bullet_list);
export const toOrderedList = toList(ordered_list);
export const toggleStrong = toggleMark(schema.marks.strong);
export const toggleEm = toggleMark(schema.marks.em);

/** Whether the selection's text (or the cursor's stored marks) carries `markType`. */
export function markActive(state, markType) {
  const { from, $from, to, empty } = state.selection;
  if (empty) return !!markType.isInSet(state.storedMarks || $from.marks());
  return state.doc.rangeHasMark(from, to, markType);
}

/** The link around the cursor: {from, to, href} or null. */
export function linkAt(state) {
  const { $from } = state.selection;
  const type = schema.marks.link;
  const mark = type.isInSet($from.marks()) || ($from.nodeAfter && type.isInSet($from.nodeAfter.marks));
  if (!mark) return null;
  const start = $from.start();
  let run = null, found = null;
  $from.parent.forEach((child, offset) => {
    const at = start + offset;
    if (!mark.isInSet(child.marks)) { run = null; return; }
    if (run) run.to = at + child.nodeSize;
    else run = { from: at, to: at + child.nodeSize, href: mark.attrs.href };
    if (run.from <= $from.pos && $from.pos <= run.to) found = run;
  });
  return found;
}

/** Puts a link to `href` on the selection (or the link being edited); with no selection,
 *  inserts `text` linked. An empty href removes the link. */
export function setLink(href, text) {
  return (state, dispatch) => {
    const type = schema.marks.link;
    const current = linkAt(state);
    let { from, to, empty } = state.selection;
    if (empty && current) ({ from, to } = current);
    const tr = state.tr;
    if (!href) {
      if (from === to) return false;
      tr.removeMark(from, to, type);
    } else if (from === to) {
      const words = text || href;
      tr.insert(from, schema.text(words, [...state.selection.$from.marks(), type.create({ href })]));
      tr.setSelection(TextSelection.create(tr.doc, from + words.length));
    } else {
      tr.removeMark(from, to, type).addMark(from, to, type.create({ href }));
    }
    if (dispatch) dispatch(tr.scrollIntoView());
    return true;
  };
}

/** An image block after the cursor's block (or in place of an empty paragraph). */
export function insertImage(attrs) {
  return (state, dispatch) => {
    const node = schema.nodes.image.create(attrs);
    const block = currentBlock(state);
    const tr = state.tr;
    if (block && block.node.type === paragraph && block.node.content.size === 0 && !block.node.attrs.speaker) {
      tr.replaceWith(block.pos, block.pos + block.node.nodeSize, node);
      tr.setSelection(NodeSelection.create(tr.doc, block.pos));
    } else {
      const at = block ? block.pos + block.node.nodeSize : state.doc.content.size;
      tr.insert(at, node);
      tr.setSelection(NodeSelection.create(tr.doc, at));
    }
    if (dispatch) dispatch(tr.scrollIntoView());
    return true;
  };
}
