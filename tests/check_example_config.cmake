# Fails when deploy/quartierd.conf.example differs from what the config
# table prints (regenerate with: quartierd --print-example-config).
execute_process(COMMAND ${QUARTIERD} --print-example-config
                OUTPUT_VARIABLE printed RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "quartierd --print-example-config failed (${rc})")
endif()
file(READ ${EXAMPLE} shipped)
if(NOT printed STREQUAL shipped)
  message(FATAL_ERROR "${EXAMPLE} is out of date; regenerate it with quartierd --print-example-config")
endif()
message(STATUS "example configuration matches the config table")
