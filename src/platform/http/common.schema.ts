import { Type, type TSchema } from '@sinclair/typebox';

/** Building blocks shared by every module's route schemas, so one concept has one shape everywhere. */
export const Uuid = Type.String({ format: 'uuid' });
export const Timestamp = Type.String({ format: 'date-time' });
export const BusinessDate = Type.String({ format: 'date', description: 'A calendar date (YYYY-MM-DD) in the tenant\'s time zone' });
export const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' });
/** Money: integer minor units of the document's currency (cents for USD). */
export const MoneyMinor = Type.Integer({ description: 'Integer minor units of the currency (e.g. cents)' });
/** A quantity or unit price: a decimal string, never a float. */
export const DecimalString = Type.String({ pattern: '^-?\\d{1,12}(\\.\\d{1,6})?$', description: 'Decimal as a string, up to 6 places', examples: ['12.5'] });
export const PositiveDecimalString = Type.String({ pattern: '^\\d{1,12}(\\.\\d{1,6})?$', description: 'Positive decimal as a string, up to 6 places', examples: ['12'] });
export const Code = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$', description: 'A short human code' });

export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}
