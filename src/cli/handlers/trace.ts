/** `vigil trace <prediction-id> --model M`: a prediction back to what produced it. */
import { VigilError } from "../../errors.js";
import { type PredictionTrace, renderTraceText, tracePrediction } from "../../registry/index.js";
import { parseFormat } from "../../report/format.js";
import { writeReport } from "../../report/output.js";
import type { CommandHandler } from "../definition.js";
import { stringOpt } from "./evaluate.js";
import { closeBackend, openBackend, seg } from "./registry-store.js";

export const traceHandler: CommandHandler = {
  async run(ctx) {
    const [id] = ctx.positionals;
    const model = stringOpt(ctx.options, "model");
    if (!model) throw new VigilError("VIGIL_USAGE", "vigil trace: missing --model NAME");
    if (!id) throw new VigilError("VIGIL_USAGE", "vigil trace: missing <prediction-id>");
    const format = parseFormat(ctx.options.format, ["text", "json"] as const, "trace");
    const backend = await openBackend(ctx);
    let trace: PredictionTrace;
    try {
      trace =
        backend.kind === "server"
          ? await backend.client.request<PredictionTrace>(
              "GET",
              `api/v1/models/${seg(model)}/predictions/${seg(id)}/trace`,
            )
          : await tracePrediction(backend.store, model, id);
    } finally {
      await closeBackend(backend);
    }
    const out = format === "json" ? `${JSON.stringify(trace, null, 2)}\n` : renderTraceText(trace);
    writeReport(out, stringOpt(ctx.options, "out"), ctx.io);
    return 0;
  },
};
