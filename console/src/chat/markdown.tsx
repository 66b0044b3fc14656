import { marked, type Token, type Tokens } from "marked";
import type { ComponentChildren } from "preact";

/**
 * Renders markdown (a model's answer) as elements, never as HTML: marked's tokens become
 * Preact nodes, raw HTML in the text is shown as text, and only `http(s):` and `mailto:`
 * links are links. So nothing a model writes can run script or restyle the page.
 *
 * @example
 * <Markdown text={"**hello** `world`"} />
 */
export function Markdown({ text }: { text: string }) {
  return <div class="markdown">{blocks(marked.lexer(text, { gfm: true }))}</div>;
}

function blocks(tokens: Token[]): ComponentChildren[] {
  return tokens.map((token, i) => block(token, i));
}

function block(token: Token, key: number): ComponentChildren {
  switch (token.type) {
    case "heading": {
      const t = token as Tokens.Heading;
      const Tag = `h${Math.min(6, Math.max(3, t.depth + 2))}` as "h3" | "h4" | "h5" | "h6";
      return <Tag key={key}>{inline(t.tokens)}</Tag>;
    }
    case "paragraph":
      return <p key={key}>{inline((token as Tokens.Paragraph).tokens)}</p>;
    case "code":
      return (
        <pre key={key} class="code">
          <code>{(token as Tokens.Code).text}</code>
        </pre>
      );
    case "blockquote":
      return <blockquote key={key}>{blocks((token as Tokens.Blockquote).tokens)}</blockquote>;
    case "list": {
      const t = token as Tokens.List;
      const items = t.items.map((item, i) => <li key={i}>{blocks(item.tokens)}</li>);
      return t.ordered ? (
        <ol key={key} start={typeof t.start === "number" ? t.start : undefined}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      );
    }
    case "table": {
      const t = token as Tokens.Table;
      return (
        <table key={key}>
          <thead>
            <tr>
              {t.header.map((cell, i) => (
                <th key={i}>{inline(cell.tokens)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {t.rows.map((row, r) => (
              <tr key={r}>
                {row.map((cell, i) => (
                  <td key={i}>{inline(cell.tokens)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      );
    }
    case "hr":
      return <hr key={key} />;
    case "space":
      return null;
    case "text": {
      const t = token as Tokens.Text;
      return <p key={key}>{t.tokens ? inline(t.tokens) : t.text}</p>;
    }
    default:
      return <p key={key}>{"raw" in token ? token.raw : ""}</p>;
  }
}

function inline(tokens: Token[] | undefined): ComponentChildren[] {
  return (tokens ?? []).map((token, key) => {
    switch (token.type) {
      case "strong":
        return <strong key={key}>{inline((token as Tokens.Strong).tokens)}</strong>;
      case "em":
        return <em key={key}>{inline((token as Tokens.Em).tokens)}</em>;
      case "del":
        return <del key={key}>{inline((token as Tokens.Del).tokens)}</del>;
      case "codespan":
        return <code key={key}>{(token as Tokens.Codespan).text}</code>;
      case "br":
        return <br key={key} />;
      case "link": {
        const t = token as Tokens.Link;
        return safeHref(t.href) ? (
          <a key={key} href={t.href} target="_blank" rel="noopener noreferrer">
            {inline(t.tokens)}
          </a>
        ) : (
          <span key={key}>{t.raw}</span>
        );
      }
      case "text": {
        const t = token as Tokens.Text;
        return t.tokens ? <span key={key}>{inline(t.tokens)}</span> : t.text;
      }
      case "escape":
        return (token as Tokens.Escape).text;
      default:
        // html, images and anything else: shown as the characters the model wrote.
        return "raw" in token ? token.raw : "";
    }
  });
}

function safeHref(href: string): boolean {
  return /^(https?:|mailto:)/i.test(href);
}
