/* TH.h: the public header of the tensor core; C hosts include this one file. */
#ifndef TH_H
#define TH_H

#include "THGeneral.h"
#include "THDtype.h"
#include "THAllocator.h"
#include "THStorage.h"
#include "THTensor.h"
#include "THDispatch.h"
#include "THMath.h"
#include "THPointwise.h"
#include "THReduce.h"
#include "THLinalg.h"
#include "THIndex.h"
#include "THSort.h"
#include "THRandom.h"
#include "THNN.h"
#include "autograd/THAutograd.h"
#include "autograd/THAutogradViews.h"

#endif
