/** `vigil model card NAME VERSION --format md|html [--out FILE]`: the card from the registry. */
import { VigilError } from "../../errors.js";
import {
  buildModelCard,
  type ModelCardDoc,
  renderCardHtml,
  renderCardMarkdown,
} from "../../registry/index.js";
import { writeReport } from "../../report/output.js";
import type { CommandHandler } from "../definition.js";
import { stringOpt } from "./evaluate.js";
import { closeBackend, openBackend, seg } from "./registry-store.js";

export const modelCardHandler: CommandHandler = {
  async run(ctx) {
    const [, name, version] = ctx.positionals;
    if (!name || !version) {
      throw new VigilError("VIGIL_USAGE", "vigil model card: missing <name> <version>");
    }
    const format = (stringOpt(ctx.options, "format") ?? "md").toLowerCase();
    if (format !== "md" && format !== "markdown" && format !== "html") {
      throw new VigilError(
        "VIGIL_USAGE",
        `vigil model card: --format must be md or html, got ${JSON.stringify(format)}`,
      );
    }
    const backend = await openBackend(ctx);
    let doc: ModelCardDoc;
    try {
      doc =
        backend.kind === "server"
          ? await backend.client.request<ModelCardDoc>(
              "GET",
              `api/v1/registry/models/${seg(name)}/versions/${seg(version)}/card`,
            )
          : await buildModelCard(backend.store, name, version);
    } finally {
      await closeBackend(backend);
    }
    const out = format === "html" ? renderCardHtml(doc) : renderCardMarkdown(doc);
    writeReport(out, stringOpt(ctx.options, "out"), ctx.io);
    return 0;
  },
};
