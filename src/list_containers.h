/* SPDX-License-Identifier: Apache-2.0 */
#ifndef IG_LIST_CONTAINERS_H
#define IG_LIST_CONTAINERS_H

int cmd_list_containers(int argc, char **argv);

#endif
