/** npm run help: the command index. */
import type { CommandMain } from "../cli";
import { commandIndex } from "./specs";

export const main: CommandMain = async (_args, io) => {
  io.out(commandIndex());
};
