import { defineRoutes } from "../route.js";

export const routes = defineRoutes([]);
