/* Text, names and retry hints for the status table in qt_status.h. */
#include "qt_status.h"

const char *qt_status_str(qt_status_t st)
{
	switch (st) {
#define QT_STATUS_STR_(name, value, ident, text, retry)                        \
	case QT_##name:                                                            \
		return text;
		QT_STATUS_MAP(QT_STATUS_STR_)
#undef QT_STATUS_STR_
	}
	return "unknown status";
}

const char *qt_status_name(qt_status_t st)
{
	switch (st) {
#define QT_STATUS_NAME_(name, value, ident, text, retry)                       \
	case QT_##name:                                                            \
		return ident;
		QT_STATUS_MAP(QT_STATUS_NAME_)
#undef QT_STATUS_NAME_
	}
	return "unknown";
}

int qt_status_retryable(qt_status_t st)
{
	switch (st) {
#define QT_STATUS_RETRY_(name, value, ident, text, retry)                      \
	case QT_##name:                                                            \
		return retry;
		QT_STATUS_MAP(QT_STATUS_RETRY_)
#undef QT_STATUS_RETRY_
	}
	return 0;
}

int qt_status_valid_wire(int value)
{
	return value >= 0 && value <= (int)QT_STATUS_WIRE_MAX;
}
