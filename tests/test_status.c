/* Unit tests of proto/qt_status.[ch]: the status table agrees with the wire
 * enum quartier.v1.Status generated from quartier.proto, in both
 * directions, and every status has a text and a name. */
#include <criterion/criterion.h>
#include <string.h>

#include "envelope.h"
#include "qt_status.h"

typedef struct status_row {
	const char *name; /* "INVALID_ARGUMENT" */
	int value;
	const char *ident;
} status_row_t;

static const status_row_t table[] = {
#define ROW_(name, value, ident, text, retry) {#name, value, ident},
    QT_STATUS_MAP(ROW_)
#undef ROW_
};

#define NROWS (sizeof(table) / sizeof(table[0]))

/* The generated constants, spelled out: a renumbered enum in either place
 * fails to compile or fails here. */
#define SAME(a, b) cr_assert_eq((int)(a), (int)(b), "%s != %s", #a, #b)

Test(status, wire_values_equal_generated_enum)
{
	SAME(QT_OK, QUARTIER__V1__STATUS__STATUS_OK);
	SAME(QT_INVALID_ARGUMENT, QUARTIER__V1__STATUS__STATUS_INVALID_ARGUMENT);
	SAME(QT_NOT_FOUND, QUARTIER__V1__STATUS__STATUS_NOT_FOUND);
	SAME(QT_CONFLICT, QUARTIER__V1__STATUS__STATUS_CONFLICT);
	SAME(QT_PERMISSION_DENIED, QUARTIER__V1__STATUS__STATUS_PERMISSION_DENIED);
	SAME(QT_UNAUTHENTICATED, QUARTIER__V1__STATUS__STATUS_UNAUTHENTICATED);
	SAME(QT_RESOURCE_EXHAUSTED, QUARTIER__V1__STATUS__STATUS_RESOURCE_EXHAUSTED);
	SAME(QT_UNAVAILABLE, QUARTIER__V1__STATUS__STATUS_UNAVAILABLE);
	SAME(QT_INTERNAL, QUARTIER__V1__STATUS__STATUS_INTERNAL);
	SAME(QT_FAILED_PRECONDITION, QUARTIER__V1__STATUS__STATUS_FAILED_PRECONDITION);
	SAME(QT_PROTOCOL_ERROR, QUARTIER__V1__STATUS__STATUS_PROTOCOL_ERROR);
	SAME(QT_UNSUPPORTED_VERSION, QUARTIER__V1__STATUS__STATUS_UNSUPPORTED_VERSION);
}

/* Every value of the proto enum has a row of the same name and number. */
Test(status, every_proto_value_is_in_the_table)
{
	const ProtobufCEnumDescriptor *d = &quartier__v1__status__descriptor;
	int max = -1;

	cr_assert_gt(d->n_values, 0);
	for (unsigned i = 0; i < d->n_values; i++) {
		const ProtobufCEnumValue *v = &d->values[i];
		const char *name = v->name;
		int found = 0;

		cr_assert_eq(strncmp(name, "STATUS_", 7), 0, "unexpected enum value %s", name);
		for (size_t k = 0; k < NROWS; k++) {
			if (strcmp(table[k].name, name + 7) == 0) {
				cr_assert_eq(table[k].value, v->value, "%s: table %d, proto %d",
				             name, table[k].value, v->value);
				found = 1;
			}
		}
		cr_assert(found, "%s is missing from QT_STATUS_MAP", name);
		if (v->value > max)
			max = v->value;
		cr_assert(qt_status_valid_wire(v->value));
	}
	cr_assert_eq(max, (int)QT_STATUS_WIRE_MAX);
}

/* Every row below 100 is a wire status of the same name; rows from 100 on
 * are local and not valid on the wire. */
Test(status, every_wire_row_is_in_the_proto)
{
	const ProtobufCEnumDescriptor *d = &quartier__v1__status__descriptor;

	for (size_t k = 0; k < NROWS; k++) {
		const ProtobufCEnumValue *v =
		    protobuf_c_enum_descriptor_get_value(d, table[k].value);
		if (table[k].value >= 100) {
			cr_assert_null(v, "%s (%d) must not be a wire status", table[k].name,
			               table[k].value);
			cr_assert_not(qt_status_valid_wire(table[k].value));
			continue;
		}
		cr_assert_not_null(v, "%s (%d) has no proto value", table[k].name, table[k].value);
		cr_assert_str_eq(v->name + 7, table[k].name);
		cr_assert(qt_status_valid_wire(table[k].value));
	}
	cr_assert_not(qt_status_valid_wire(-1));
	cr_assert_not(qt_status_valid_wire((int)QT_STATUS_WIRE_MAX + 1));
}

Test(status, texts_and_names)
{
	for (size_t k = 0; k < NROWS; k++) {
		qt_status_t st = (qt_status_t)table[k].value;
		const char *s = qt_status_str(st), *n = qt_status_name(st);

		cr_assert_not_null(s);
		cr_assert_not_null(n);
		cr_assert_gt(strlen(s), 0);
		cr_assert_str_eq(n, table[k].ident);
		cr_assert_str_neq(s, "unknown status");
		for (size_t j = 0; j < k; j++)
			cr_assert_str_neq(qt_status_name((qt_status_t)table[j].value), n,
			                  "duplicate name %s", n);
		for (const char *p = n; *p; p++)
			cr_assert((*p >= 'a' && *p <= 'z') || *p == '_', "name %s is not lowercase",
			          n);
	}
	cr_assert_not_null(qt_status_str((qt_status_t)55));
	cr_assert_not_null(qt_status_name((qt_status_t)55));
	cr_assert_not_null(qt_status_str((qt_status_t)-1));
	cr_assert_not_null(qt_status_name((qt_status_t)-1));
}

Test(status, retry_hints)
{
	cr_assert(qt_status_retryable(QT_UNAVAILABLE));
	cr_assert(qt_status_retryable(QT_RESOURCE_EXHAUSTED));
	cr_assert(qt_status_retryable(QT_IO));
	cr_assert_not(qt_status_retryable(QT_OK));
	cr_assert_not(qt_status_retryable(QT_INVALID_ARGUMENT));
	cr_assert_not(qt_status_retryable(QT_CONFLICT));
	cr_assert_not(qt_status_retryable(QT_PERMISSION_DENIED));
	cr_assert_not(qt_status_retryable(QT_TLS));
	cr_assert_not(qt_status_retryable((qt_status_t)55));
}
