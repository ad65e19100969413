/**
 * Escaping for every output format. Everything in a report comes from plugins
 * and images, which are untrusted: a message, path or evidence string may hold
 * markup, terminal escape sequences or characters that reorder the text around
 * them.
 */

/**
 * C0 and C1 control characters, DEL, the Unicode line and paragraph separators,
 * and the bidirectional formatting characters that can make text display in a
 * different order than it is stored.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the purpose
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the purpose
const CONTROL_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Replaces lone UTF-16 surrogates, which no UTF encoding can carry, with U+FFFD. */
export function toWellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, "\ufffd");
}

/** Returns the escape that shows a character as text: `\n`, `\t`, `\x1b`, `\u202e`. */
function visibleEscape(character: string): string {
  if (character === "\n") return "\\n";
  if (character === "\r") return "\\r";
  if (character === "\t") return "\\t";
  const code = character.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * Replaces control and bidirectional formatting characters with visible
 * escapes such as `\x1b`, and lone UTF-16 surrogates with U+FFFD. With
 * `keepLineBreaks`, tab and line feed stay as they are.
 */
export function escapeControl(text: string, keepLineBreaks = false): string {
  return toWellFormed(text).replace(keepLineBreaks ? CONTROL_EXCEPT_LINE_BREAKS : CONTROL, visibleEscape);
}

const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string, keepLineBreaks = false): string {
  return escapeControl(text, keepLineBreaks).replace(/[&<>"']/g, (character) => HTML_ENTITIES[character]!);
}

/**
 * Escapes text for XML 1.0 element content or, with `attribute`, a quoted
 * attribute value. Control characters other than tab and line feed become
 * visible escapes such as `\x1b`, because XML 1.0 forbids most of them even
 * as character references. In attributes, tab and line feed become character references,
 * because XML parsers would otherwise turn them into spaces.
 */
export function escapeXml(text: string, attribute = false): string {
  const special = attribute ? /[&<>"'\t\n]/g : /[&<>"']/g;
  return escapeControl(text, true)
    .replace(/[\ufffe\uffff]/g, "\ufffd")
    .replace(special, (character) => (character in HTML_ENTITIES ? HTML_ENTITIES[character]! : `&#${character.charCodeAt(0)};`));
}

/**
 * Escapes text for inline Markdown, table cells included: every character
 * that can start markup, a link, a table cell or math becomes a numeric
 * character reference, which CommonMark and GFM show as literal text. A
 * mention or reference (`@user`, `#12`, `!12`) also gets a zero-width space
 * after its sign, because GitHub and GitLab find those in the rendered text.
 */
export function escapeMarkdown(text: string): string {
  return escapeControl(text).replace(/[\\`*_[\]<>#!|~&@$]/g, (character) => {
    const reference = `&#${character.charCodeAt(0)};`;
    return character === "@" || character === "#" || character === "!" ? `${reference}&#8203;` : reference;
  });
}

/**
 * Returns the URL in its serialized form when it is an absolute http or https
 * URL, else undefined. Reports link only to such URLs, never to `javascript:`
 * or `file:` ones.
 */
export function safeHttpUrl(value: string): string | undefined {
  const text = toWellFormed(value);
  if (!URL.canParse(text)) return undefined;
  const url = new URL(text);
  return url.protocol === "https:" || url.protocol === "http:" ? url.href : undefined;
}
