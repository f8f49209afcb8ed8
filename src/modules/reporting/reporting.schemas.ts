import { Type, type TSchema } from '@sinclair/typebox';

const Side = Type.Object({ label: Type.String(), value: Type.Integer({ description: 'Minor units, or a count' }) }, { additionalProperties: false });

export const BooksVerificationSchema = Type.Object(
  {
    ok: Type.Boolean(),
    identities: Type.Array(
      Type.Object(
        { name: Type.String(), description: Type.String(), ok: Type.Boolean(), left: Side, right: Side, problems: Type.Array(Type.String()) },
        { additionalProperties: false },
      ),
    ),
  },
  {
    $id: 'BooksVerification',
    additionalProperties: false,
    examples: [
      {
        ok: false,
        identities: [
          {
            name: 'inventory_value',
            description: 'Σ stock movement values = GL inventory balance',
            ok: false,
            left: { label: 'stock ledger value', value: 500000 },
            right: { label: 'GL inventory', value: 512500 },
            problems: ['stock ledger value 500000 ≠ GL inventory 512500 (difference -12500)'],
          },
        ],
      },
    ],
  },
);

export const reportingSchemas: TSchema[] = [BooksVerificationSchema];
