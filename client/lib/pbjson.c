/* Protobuf messages as JSON by reflection over protobuf-c descriptors, for
 * showing replica records and queued changes (`quartier outbox`): field
 * names of the protocol, enums by their names, bytes as base64-free hex,
 * only the fields that are set.  Also the table of record types to their
 * message descriptors. */
#include "store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const ProtobufCMessageDescriptor *record_descriptor(qt_record_type_t t)
{
	switch (t) {
	case QT_RECORD_DISTRICT:
	case QT_RECORD_QUARTER:
	case QT_RECORD_OFFICE:
	case QT_RECORD_ORGANISATION:
		return &quartier__v1__reference__descriptor;
	case QT_RECORD_PROJECT:
		return &quartier__v1__project__descriptor;
	case QT_RECORD_PERSON:
		return &quartier__v1__person__descriptor;
	case QT_RECORD_MEMBERSHIP:
		return &quartier__v1__membership__descriptor;
	case QT_RECORD_FUND:
		return &quartier__v1__fund__descriptor;
	case QT_RECORD_FUND_ENTRY:
		return &quartier__v1__fund_entry__descriptor;
	case QT_RECORD_ASSESSMENT:
		return &quartier__v1__assessment__descriptor;
	case QT_RECORD_CONTINUATION:
		return &quartier__v1__continuation__descriptor;
	case QT_RECORD_MEETING:
		return &quartier__v1__meeting__descriptor;
	case QT_RECORD_AGENDA_ITEM:
		return &quartier__v1__agenda_item__descriptor;
	case QT_RECORD_HANDOVER:
		return &quartier__v1__handover__descriptor;
	case QT_RECORD_GOAL:
		return &quartier__v1__goal__descriptor;
	case QT_RECORD_PROGRESS_UPDATE:
		return &quartier__v1__progress_update__descriptor;
	default:
		return NULL;
	}
}

/* A growing string; failed is sticky. */
typedef struct pbjson_buf {
	char *s;
	size_t len, cap;
	int failed;
} pbjson_buf_t;

static void pbjson_put(pbjson_buf_t *b, const char *s, size_t n)
{
	char *grown;
	size_t ncap;

	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		ncap = b->cap != 0 ? b->cap : 256;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		grown = realloc(b->s, ncap);
		if (grown == NULL) {
			b->failed = 1;
			return;
		}
		b->s = grown;
		b->cap = ncap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void pbjson_puts(pbjson_buf_t *b, const char *s)
{
	pbjson_put(b, s, strlen(s));
}

static void pbjson_string(pbjson_buf_t *b, const char *s)
{
	char esc[8];
	const unsigned char *p;

	pbjson_put(b, "\"", 1);
	for (p = (const unsigned char *)(s != NULL ? s : ""); *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			pbjson_put(b, esc, 2);
		} else if (*p == '\n') {
			pbjson_puts(b, "\\n");
		} else if (*p < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			pbjson_puts(b, esc);
		} else {
			pbjson_put(b, (const char *)p, 1);
		}
	}
	pbjson_put(b, "\"", 1);
}

static void pbjson_message_into(pbjson_buf_t *b, const ProtobufCMessage *m);

/* Writes the value at p of field f (one element of a repeated field). */
static void pbjson_value(pbjson_buf_t *b, const ProtobufCFieldDescriptor *f, const void *p)
{
	char num[48];

	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		snprintf(num, sizeof(num), "%" PRId32, *(const int32_t *)p);
		pbjson_puts(b, num);
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		snprintf(num, sizeof(num), "%" PRIu32, *(const uint32_t *)p);
		pbjson_puts(b, num);
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		snprintf(num, sizeof(num), "%" PRId64, *(const int64_t *)p);
		pbjson_puts(b, num);
		break;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		snprintf(num, sizeof(num), "%" PRIu64, *(const uint64_t *)p);
		pbjson_puts(b, num);
		break;
	case PROTOBUF_C_TYPE_FLOAT:
		snprintf(num, sizeof(num), "%.9g", (double)*(const float *)p);
		pbjson_puts(b, num);
		break;
	case PROTOBUF_C_TYPE_DOUBLE:
		snprintf(num, sizeof(num), "%.17g", *(const double *)p);
		pbjson_puts(b, num);
		break;
	case PROTOBUF_C_TYPE_BOOL:
		pbjson_puts(b, *(const protobuf_c_boolean *)p ? "true" : "false");
		break;
	case PROTOBUF_C_TYPE_ENUM: {
		const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(
			(const ProtobufCEnumDescriptor *)f->descriptor, *(const int *)p);

		if (ev != NULL) {
			pbjson_string(b, ev->name);
		} else {
			snprintf(num, sizeof(num), "%d", *(const int *)p);
			pbjson_puts(b, num);
		}
		break;
	}
	case PROTOBUF_C_TYPE_STRING:
		pbjson_string(b, *(char *const *)p);
		break;
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *d = p;
		size_t i;

		pbjson_put(b, "\"", 1);
		for (i = 0; i < d->len; i++) {
			snprintf(num, sizeof(num), "%02x", d->data[i]);
			pbjson_puts(b, num);
		}
		pbjson_put(b, "\"", 1);
		break;
	}
	case PROTOBUF_C_TYPE_MESSAGE:
		if (*(ProtobufCMessage *const *)p == NULL)
			pbjson_puts(b, "null");
		else
			pbjson_message_into(b, *(ProtobufCMessage *const *)p);
		break;
	}
}

/* The size of one element of a field in a repeated array. */
static size_t pbjson_elem_size(const ProtobufCFieldDescriptor *f)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return 8;
	case PROTOBUF_C_TYPE_DOUBLE:
		return sizeof(double);
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_ENUM:
		return sizeof(int);
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(void *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	default:
		return 4;
	}
}

/* Whether field f of m is set (required fields always are). */
static int pbjson_is_set(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
	const char *base = (const char *)m;

	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
		return *(const uint32_t *)(base + f->quantifier_offset) == f->id;
	if (f->label == PROTOBUF_C_LABEL_REQUIRED)
		return 1;
	if (f->label == PROTOBUF_C_LABEL_REPEATED)
		return *(const size_t *)(base + f->quantifier_offset) > 0;
	if (f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_MESSAGE)
		return *(void *const *)(base + f->offset) != NULL;
	return *(const protobuf_c_boolean *)(base + f->quantifier_offset);
}

static void pbjson_message_into(pbjson_buf_t *b, const ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	const char *base = (const char *)m;
	unsigned i;
	size_t k, n;
	int first = 1;

	pbjson_put(b, "{", 1);
	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];

		if (!pbjson_is_set(m, f))
			continue;
		if (!first)
			pbjson_puts(b, ", ");
		first = 0;
		pbjson_string(b, f->name);
		pbjson_puts(b, ": ");
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			const char *arr = *(char *const *)(base + f->offset);

			n = *(const size_t *)(base + f->quantifier_offset);
			pbjson_put(b, "[", 1);
			for (k = 0; k < n; k++) {
				if (k > 0)
					pbjson_puts(b, ", ");
				pbjson_value(b, f, arr + k * pbjson_elem_size(f));
			}
			pbjson_put(b, "]", 1);
		} else {
			pbjson_value(b, f, base + f->offset);
		}
	}
	pbjson_put(b, "}", 1);
}

qt_status_t pbjson_message(const ProtobufCMessage *msg, char **out)
{
	pbjson_buf_t b;

	memset(&b, 0, sizeof(b));
	pbjson_message_into(&b, msg);
	if (b.failed) {
		free(b.s);
		return QT_NOMEM;
	}
	*out = b.s;
	return QT_OK;
}
