/** A compile-time problem at an offset of the template; compileTemplate turns it into TEMPLATE_INVALID. */
export class SyntaxFault extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason)
    this.name = 'SyntaxFault'
  }
}
