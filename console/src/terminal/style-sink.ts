/**
 * xterm.js keeps a few of its rules (cell size, theme colours, the scrollbar) in `<style>`
 * elements it creates and fills through `textContent`. The console's Content-Security-Policy
 * (`style-src 'self'`, no `'unsafe-inline'`) refuses those, so while a terminal is mounted
 * `document.createElement("style")` answers an inert stand-in instead: the text given to it
 * goes into a constructed stylesheet adopted by the document (CSSOM, which `style-src` does
 * not govern), and removing the stand-in drops the sheet. Nothing else in the console creates
 * `<style>` elements.
 */

let installed = 0;
let restore: (() => void) | undefined;

/** A stand-in `<style>`: its `textContent` is the text of one adopted stylesheet. */
function standIn(doc: Document, create: Document["createElement"]): HTMLElement {
  const element = create.call(doc, "aura-style") as HTMLElement;
  element.hidden = true;
  const sheet = new CSSStyleSheet();
  let text = "";
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  Object.defineProperty(element, "textContent", {
    get: () => text,
    set: (value: string | null) => {
      text = value ?? "";
      sheet.replaceSync(text);
    },
  });
  const remove = element.remove.bind(element);
  element.remove = () => {
    doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => s !== sheet);
    remove();
  };
  return element;
}

/**
 * Routes `<style>` elements into adopted stylesheets until the returned function is called
 * (counted: the last release restores `document.createElement`).
 *
 * @example
 * const release = installStyleSink(document);
 * const term = new Terminal(); term.open(host);
 * // …later: term.dispose(); release();
 */
export function installStyleSink(doc: Document): () => void {
  if (installed === 0) {
    const create = doc.createElement;
    const patched = ((tag: string, options?: ElementCreationOptions) =>
      tag.toLowerCase() === "style"
        ? standIn(doc, create)
        : create.call(doc, tag, options)) as Document["createElement"];
    doc.createElement = patched;
    restore = () => {
      // An own property shadowing the prototype's: deleting it restores the original.
      if (doc.createElement === patched) Reflect.deleteProperty(doc, "createElement");
    };
  }
  installed++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    installed--;
    if (installed === 0) restore?.();
  };
}
