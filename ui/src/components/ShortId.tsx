import { useState } from "react";

/** How many trailing characters of an id people read: the random end of a ULID, unique in a shop. */
const SHOWN = 8;

/** `order_01JDXM8N6MQ4RZ7T3K9QPAHW2B` -> `…3K9QPAHW2B`: the end of the id after its kind prefix. */
export function shortId(id: string): string {
  const core = id.slice(id.lastIndexOf("_") + 1);
  return core.length <= SHOWN ? core : `…${core.slice(-SHOWN)}`;
}

interface ShortIdProps {
  id: string;
  testId?: string;
  /** Show a 복사 button that copies the full id (default true). */
  copy?: boolean;
}

/**
 * An order or subscription id shortened for people; the full id is on hover (`title`), read by
 * screen readers, and copied whole by 복사.
 */
export function ShortId({ id, testId, copy = true }: ShortIdProps) {
  const [copied, setCopied] = useState(false);
  return (
    <span className="short-id">
      <code title={id} aria-label={id} data-testid={testId} data-full-id={id}>
        {shortId(id)}
      </code>
      {copy && (
        <button
          type="button"
          className="link copy"
          aria-label={`${id} 복사`}
          onClick={(event) => {
            event.stopPropagation();
            void navigator.clipboard?.writeText(id).then(() => setCopied(true), () => setCopied(false));
          }}
        >
          {copied ? "복사됨" : "복사"}
        </button>
      )}
    </span>
  );
}
